import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { displayPath } from './display-path';
import { assetPath } from './asset-paths';
import type { AssetFile, LabelsManifest, ModelManifest } from './manifest.types';

/** SHA-256 of a file, lower-case hex. Streams, so a large model never sits in memory twice. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Compares a file with the asset's checksum (full, or the published prefix). Returns what is
 * wrong, naming the expected and the actual hash, or undefined when it matches or the asset
 * states no checksum (a locally exported model).
 */
export async function checksumProblem(asset: AssetFile, path: string): Promise<string | undefined> {
  if (asset.sha256 === undefined && asset.sha256Prefix === undefined) return undefined;
  const actual = await sha256File(path);
  if (asset.sha256 !== undefined && actual !== asset.sha256) {
    return `sha256 mismatch: expected ${asset.sha256}, got ${actual}`;
  }
  if (asset.sha256Prefix !== undefined && !actual.startsWith(asset.sha256Prefix)) {
    return `sha256 mismatch: expected a hash starting ${asset.sha256Prefix}, got ${actual}`;
  }
  return undefined;
}

/** How a failed check reads: `<what> <path> is missing; <fix>`. */
export interface VerifyHint {
  /** e.g. `model file`. */
  what: string;
  /** e.g. ``run `npm run assets -- densenet121` ``. */
  fix: string;
}

/**
 * Checks that an asset's file is in `dir` with the right checksum, and returns its path.
 * Throws one line naming the file, what is wrong and the fix.
 */
export async function verifyAssetFile(
  asset: AssetFile,
  dir: string,
  { what, fix }: VerifyHint,
): Promise<string> {
  const path = assetPath(asset, dir);
  if (!existsSync(path)) throw new Error(`${what} ${displayPath(path)} is missing; ${fix}`);
  const problem = await checksumProblem(asset, path);
  if (problem !== undefined) throw new Error(`${what} ${displayPath(path)}: ${problem}; ${fix}`);
  return path;
}

/** {@link verifyAssetFile} for a model's ONNX file, with the command that fetches it. */
export function verifyModelFile(manifest: ModelManifest, modelsDir: string): Promise<string> {
  return verifyAssetFile(manifest, modelsDir, { what: 'model file', fix: modelFix(manifest) });
}

/** A file with a download is fetched; one without (your own, a test model) is put there by hand. */
function modelFix(manifest: ModelManifest): string {
  const name = manifest.name;
  if (manifest.url === null && manifest.export === undefined) {
    return (
      `this model has no download: copy ${manifest.file} into the models folder yourself ` +
      `(its "sha256" in models/${name}.json must be the file's sha256sum), or, for the test ` +
      'models, run `npm run assets:test`'
    );
  }
  return (
    `run \`npm run assets -- ${name}\` (offline: \`npm run assets:test && ` +
    'MODEL=mobilenetv2-12-int8 npm start` serves a real ImageNet model; see docs/troubleshooting.md)'
  );
}

/** {@link verifyAssetFile} for a label file (fetched along with any model that names it). */
export function verifyLabelsFile(manifest: LabelsManifest, labelsDir: string): Promise<string> {
  return verifyAssetFile(manifest, labelsDir, { what: 'label file', fix: 'run `npm run assets`' });
}
