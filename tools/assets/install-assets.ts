import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  assetPath,
  displayPath,
  loadLabelsManifest,
  loadModelManifest,
  type ModelExport,
  type ModelManifest,
} from '@imgcls/models';
import { convertCheckpoint } from '@imgcls/densenet-onnx';
import { fetchAsset } from './fetch-asset';
import { calibrationFolder, quantizeAsset } from './quantize-asset';

export interface InstallOptions {
  /** Checkout root. */
  repoRoot: string;
  modelsDir: string;
  labelsDir: string;
  /** A folder laid out like ../shared/assets (`models/…`, `labels/…`); unset: download. */
  mirrorDir?: string;
  /** Images to calibrate INT8 models on, overriding their manifests' folder. */
  calibrationDir?: string;
  log: (line: string) => void;
}

/**
 * Puts the named models and the label files they use in place, verified. Manifests are all
 * read first, so a misspelt name fails before anything is fetched.
 */
export async function installAssets(
  modelNames: readonly string[],
  options: InstallOptions,
): Promise<void> {
  const models = modelNames.map((name) => loadModelManifest(name, options.modelsDir));
  const labelSets = [...new Set(models.map((model) => model.labels))].map((name) =>
    loadLabelsManifest(name, options.labelsDir),
  );
  const mirror = (kind: 'models' | 'labels') =>
    options.mirrorDir === undefined ? undefined : join(options.mirrorDir, kind);
  for (const labels of labelSets) {
    await fetchAsset(labels, options.labelsDir, { mirrorDir: mirror('labels'), log: options.log });
  }
  for (const model of models) {
    const fetchOptions = { mirrorDir: mirror('models'), log: options.log };
    if (model.quantize !== undefined) {
      calibrationFolder(model, model.quantize, options);
      await installAssets([model.quantize.from], options);
      await quantizeAsset(model, model.quantize, options);
    } else if (model.sha256 !== undefined || model.export === undefined) {
      await fetchAsset(model, options.modelsDir, fetchOptions);
    } else {
      // No published ONNX: fetch the weights it is made from, then export locally.
      await fetchAsset(model.export.weights, options.modelsDir, fetchOptions);
      await exportModel(model, model.export, options);
    }
  }
}

/**
 * Converts the weights to ONNX in Node (@imgcls/densenet-onnx) when the ONNX file is absent; no
 * Python is involved. An existing file is kept: the manifest has no checksum for a local export.
 */
async function exportModel(
  model: ModelManifest,
  recipe: ModelExport,
  options: InstallOptions,
): Promise<void> {
  const output = assetPath(model, options.modelsDir);
  if (existsSync(output)) {
    return options.log(`${displayPath(output)} is in place (delete it to export it again)`);
  }
  options.log(`converting ${recipe.weights.file} to ${displayPath(output)}`);
  const summary = await convertCheckpoint({
    arch: recipe.arch,
    weightsFile: assetPath(recipe.weights, options.modelsDir),
    outFile: output,
    inputName: model.input.name,
    outputName: model.output.name,
    imageSize: model.preprocessing.cropSize,
    log: (line) => options.log(`  ${line}`),
  });
  options.log(
    `${displayPath(output)} exported: ${summary.parameters} parameters, sha256 ${summary.sha256}`,
  );
}
