import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const K8S_DIR = resolve(__dirname, '..');

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [field: string]: unknown;
}

export interface Rendered {
  manifests: Manifest[];
  /** `kubectl kustomize`, or the fallback that reads the kustomization files itself. */
  renderer: string;
}

function kubectl(): string | undefined {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return 'kubectl';
  } catch {
    return undefined;
  }
}

function parseManifests(text: string, source: string): Manifest[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors[0]?.message ?? ''}`);
    const value = doc.toJS() as Manifest | null;
    return value === null ? [] : [value];
  });
}

/** Renders a kustomization with `kubectl kustomize` when kubectl is installed. */
export function render(kustomization: string): Rendered {
  const dir = join(K8S_DIR, kustomization);
  if (kubectl() !== undefined) {
    const text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
    return { manifests: parseManifests(text, dir), renderer: 'kubectl kustomize' };
  }
  return { manifests: loadResources(dir), renderer: 'kustomization resources (no kubectl)' };
}

interface Kustomization {
  namespace?: string;
  resources?: string[];
}

/**
 * Without kubectl: the resources a kustomization lists, recursively, with its namespace set.
 * Patches, images and replicas are not applied, so this checks the base's own files.
 */
export function loadResources(dir: string): Manifest[] {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${dir} has no kustomization.yaml`);
  const [kustomization] = parseManifests(readFileSync(file, 'utf8'), file) as unknown as [
    Kustomization,
  ];
  const manifests = (kustomization.resources ?? []).flatMap((resource) => {
    const path = resolve(dir, resource);
    return existsSync(join(path, 'kustomization.yaml'))
      ? loadResources(path)
      : parseManifests(readFileSync(path, 'utf8'), path);
  });
  const namespace = kustomization.namespace;
  if (namespace === undefined) return manifests;
  return manifests.map((manifest) =>
    manifest.kind === 'Namespace'
      ? manifest
      : { ...manifest, metadata: { ...manifest.metadata, namespace } },
  );
}

/** The one manifest of a kind and name; throws naming what is missing. */
export function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name} in the rendered manifests`);
  return found;
}
