import { join } from 'node:path';
import type { AssetFile } from './manifest.types';

/** `models/` and `labels/` of a checkout, where the manifests and the fetched files live. */
export function assetDirs(repoRoot: string): { modelsDir: string; labelsDir: string } {
  return { modelsDir: join(repoRoot, 'models'), labelsDir: join(repoRoot, 'labels') };
}

/** The manifest file of a model or label set: `<dir>/<name>.json`. */
export function manifestPath(name: string, dir: string): string {
  return join(dir, `${name}.json`);
}

/** Where the file an asset names lives: `<dir>/<file>`. */
export function assetPath(asset: AssetFile, dir: string): string {
  return join(dir, asset.file);
}
