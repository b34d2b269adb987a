import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parseLabelsManifest, parseModelManifest } from './manifest-parse';
import type { LabelsManifest, ModelManifest } from './manifest.types';
import { manifestPath } from './asset-paths';
import { displayPath } from './display-path';

/** Names of the model manifests in `modelsDir`, sorted. Everything `*.json` there is one. */
export function listModelNames(modelsDir: string): string[] {
  if (!existsSync(modelsDir)) return [];
  return readdirSync(modelsDir)
    .filter((entry) => entry.endsWith('.json'))
    .map((entry) => entry.slice(0, -'.json'.length))
    .sort();
}

/**
 * Reads and validates `<modelsDir>/<name>.json`. An unknown name fails with the names that
 * exist; an invalid manifest fails naming the field.
 */
export function loadModelManifest(name: string, modelsDir: string): ModelManifest {
  const available = listModelNames(modelsDir);
  if (!available.includes(name)) {
    const known = available.length > 0 ? available.join(', ') : 'none';
    throw new Error(
      `unknown model "${name}": no ${displayPath(manifestPath(name, modelsDir))}; available: ${known}`,
    );
  }
  return loadManifest(name, modelsDir, parseModelManifest);
}

/** Reads and validates `<labelsDir>/<name>.json`. */
export function loadLabelsManifest(name: string, labelsDir: string): LabelsManifest {
  const file = manifestPath(name, labelsDir);
  if (!existsSync(file)) {
    throw new Error(`unknown label set "${name}": ${displayPath(file)} does not exist`);
  }
  return loadManifest(name, labelsDir, parseLabelsManifest);
}

function loadManifest<T extends { name: string }>(
  name: string,
  dir: string,
  parse: (json: unknown, source: string) => T,
): T {
  const file = manifestPath(name, dir);
  const source = displayPath(file);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`invalid manifest ${source}: ${reason}`);
  }
  const manifest = parse(json, source);
  // The file name is what MODEL selects; a mismatched "name" would report the wrong model.
  if (manifest.name !== name) {
    throw new Error(`invalid manifest ${source}: "name" is "${manifest.name}", expected "${name}"`);
  }
  return manifest;
}
