import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { find, K8S_DIR, loadResources, render, type Manifest } from './render';

interface Container {
  command?: string[];
  env?: { name: string; value?: string }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

const containerOf = (manifest: Manifest): Container => {
  const spec = manifest as unknown as { spec: { template: { spec: { containers: Container[] } } } };
  const [container] = spec.spec.template.spec.containers;
  if (container === undefined) throw new Error(`${manifest.metadata.name} has no container`);
  return container;
};

/** Kubernetes memory quantities as bytes: `1Gi`, `768Mi`; redis.conf's `768mb`. */
function bytes(quantity: string): number {
  const match = /^(\d+)(Ki|Mi|Gi|kb|mb|gb)?$/i.exec(quantity);
  if (match === null) throw new Error(`not a memory quantity: ${quantity}`);
  const unit = (match[2] ?? '').toLowerCase().replace('i', 'b');
  const scale = { '': 1, kb: 1 << 10, mb: 1 << 20, gb: 1 << 30 }[unit] ?? NaN;
  return Number(match[1]) * scale;
}

describe('deploy/k8s/base workloads', () => {
  const { manifests } = render('base');

  it('configures Redis as a queue: noeviction, AOF everysec, maxmemory below the memory limit', () => {
    const config = find(manifests, 'ConfigMap', 'imgcls-redis') as unknown as {
      data: { 'redis.conf': string };
    };
    const conf = Object.fromEntries(
      config.data['redis.conf']
        .split('\n')
        .filter((line) => /^[a-z]/.test(line))
        .map((line) => line.split(/\s+/, 2) as [string, string]),
    );
    expect(conf).toMatchObject({
      appendonly: 'yes',
      appendfsync: 'everysec',
      'maxmemory-policy': 'noeviction',
    });
    const redis = containerOf(find(manifests, 'StatefulSet', 'imgcls-redis'));
    expect(redis.command).toEqual(['redis-server', '/etc/redis/redis.conf']);
    expect(bytes(conf['maxmemory'] ?? '')).toBeLessThan(
      bytes(redis.resources?.limits?.['memory'] ?? '0'),
    );
  });

  it('gives each worker one CPU for its one single-threaded model session, and a PDB', () => {
    const worker = find(manifests, 'Deployment', 'imgcls-worker');
    const container = containerOf(worker);
    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ INFERENCE_THREADS: '1', INTRA_OP_THREADS: '1' });
    expect(container.resources?.requests?.['cpu']).toBe('1');
    const pdb = find(manifests, 'PodDisruptionBudget', 'imgcls-worker') as unknown as {
      spec: { selector: { matchLabels: Record<string, string> } };
    };
    const labels = (worker as unknown as { spec: { template: { metadata: { labels: object } } } })
      .spec.template.metadata.labels;
    expect(labels).toMatchObject(pdb.spec.selector.matchLabels);
  });
});

describe('the fallback renderer (for machines without kubectl)', () => {
  const hasKubectl = (() => {
    try {
      execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  (hasKubectl ? it : it.skip)('loads the same resources from base as kubectl kustomize', () => {
    const ids = (manifests: Manifest[]) =>
      manifests.map((m) => `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`).sort();
    expect(ids(loadResources(join(K8S_DIR, 'base')))).toEqual(ids(render('base').manifests));
  });
});
