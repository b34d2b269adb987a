import { existsSync } from 'node:fs';
import { rm, rename } from 'node:fs/promises';
import { join } from 'node:path';
import {
  assetPath,
  displayPath,
  loadLabelsManifest,
  loadModelManifest,
  type ModelExport,
  type ModelManifest,
} from '@imgcls/models';
import { fetchAsset } from './fetch-asset';
import { quantizeAsset } from './quantize-asset';
import { findTorchPython, runPython } from './torch-python';

export interface InstallOptions {
  /** Checkout root; export scripts in manifests are relative to it. */
  repoRoot: string;
  modelsDir: string;
  labelsDir: string;
  /** A folder laid out like ../shared/assets (`models/…`, `labels/…`); unset: download. */
  mirrorDir?: string;
  /** Interpreters to try for exports, best first (see torchPythonCandidates). */
  pythonCandidates: readonly string[];
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
 * Runs the manifest's export script when the ONNX file is absent. An existing export is kept:
 * its bytes vary with the local torch, so there is no checksum to tell a stale one apart.
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
  const python = findTorchPython(options.pythonCandidates);
  const partial = join(options.modelsDir, `.${model.file}.${process.pid}.part`);
  options.log(`exporting ${displayPath(output)} with ${python} (about a minute)`);
  try {
    await runPython(python, [
      join(options.repoRoot, recipe.script),
      '--weights',
      assetPath(recipe.weights, options.modelsDir),
      '--output',
      partial,
    ]);
    await rename(partial, output);
  } finally {
    await rm(partial, { force: true });
  }
  options.log(`${displayPath(output)} exported`);
}
