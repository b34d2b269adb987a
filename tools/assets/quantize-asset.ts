import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import {
  assetPath,
  displayPath,
  loadModelManifest,
  sha256File,
  type ModelDerivation,
  type ModelManifest,
} from '@imgcls/models';
import { listCalibrationImages } from '../quantize/calibration-images';
import { QUANTIZER_VERSION, quantizeModel } from '../quantize/quantize-model';

export interface QuantizeAssetOptions {
  repoRoot: string;
  modelsDir: string;
  /** `--calibration`: overrides the manifest's folder. */
  calibrationDir?: string;
  log: (line: string) => void;
}

/** What an INT8 file was made from; equal stamps mean the file need not be made again. */
interface BuildStamp {
  quantizer: number;
  from: string;
  sourceSha256: string;
  recipe: ModelDerivation['recipe'];
  select: ModelDerivation['calibration']['select'];
  calibrationSha256: string;
  outputSha256: string;
}

function calibrationFolder(
  model: ModelManifest,
  derivation: ModelDerivation,
  options: QuantizeAssetOptions,
): string {
  const folder = options.calibrationDir ?? derivation.calibration.folder;
  if (folder === null) {
    throw new Error(
      `${model.name} is calibrated on your own images: npm run assets -- ${model.name} --calibration <folder of a few hundred images like the ones you will serve>`,
    );
  }
  return resolve(options.calibrationDir === undefined ? options.repoRoot : process.cwd(), folder);
}

// The selected images' names and bytes: a changed calibration set makes a new file.
async function calibrationDigest(files: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) hash.update(basename(file)).update(await readFile(file));
  return hash.digest('hex');
}

function halfNote({ calibration: { select } }: ModelDerivation): string {
  if (select === 'all') return '';
  const from = select === 'even' ? 'first' : 'second';
  return ` (every second, from the ${from}; the other half is left for evaluation)`;
}

async function isUpToDate(
  output: string,
  stampPath: string,
  wanted: Omit<BuildStamp, 'outputSha256'>,
) {
  const { outputSha256, ...made } = readStamp(stampPath) ?? { outputSha256: '' };
  if (!existsSync(output) || JSON.stringify(made) !== JSON.stringify(wanted)) return false;
  return outputSha256 === (await sha256File(output));
}

function readStamp(path: string): BuildStamp | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as BuildStamp;
  } catch {
    return undefined;
  }
}

/**
 * Makes `model` by quantizing the model it derives from, unless the file in place was made
 * from the same source bytes, recipe, quantizer version and calibration images (its
 * `<file>.recipe` stamp says so (not `.json`: every `models/*.json` is a manifest) and its SHA-256 still matches).
 */
export async function quantizeAsset(
  model: ModelManifest,
  derivation: ModelDerivation,
  options: QuantizeAssetOptions,
) {
  const source = loadModelManifest(derivation.from, options.modelsDir);
  const output = assetPath(model, options.modelsDir);
  const stampPath = `${output}.recipe`;
  const folder = calibrationFolder(model, derivation, options);
  const files = listCalibrationImages(folder, derivation.calibration.select);
  const wanted = {
    quantizer: QUANTIZER_VERSION,
    from: source.name,
    sourceSha256: await sha256File(assetPath(source, options.modelsDir)),
    recipe: derivation.recipe,
    select: derivation.calibration.select,
    calibrationSha256: await calibrationDigest(files),
  };
  if (await isUpToDate(output, stampPath, wanted)) {
    return options.log(
      `${displayPath(output)} is up to date (same source, recipe and calibration images)`,
    );
  }
  options.log(
    `quantizing ${source.name} → ${displayPath(output)}: calibrating on ${files.length} images of ${displayPath(folder)}${halfNote(derivation)}`,
  );
  await quantizeModel({
    modelPath: assetPath(source, options.modelsDir),
    spec: source.preprocessing,
    inputName: source.input.name,
    calibrationDir: folder,
    select: derivation.calibration.select,
    recipe: derivation.recipe,
    outPath: output,
    progress: process.stderr,
  });
  const next: BuildStamp = { ...wanted, outputSha256: await sha256File(output) };
  await writeFile(`${stampPath}.part`, `${JSON.stringify(next, null, 2)}\n`);
  await rename(`${stampPath}.part`, stampPath);
  options.log(`${displayPath(output)} quantized`);
}
