import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  freePort,
  REPO_ROOT,
  referencePredictions,
  samplePhotos,
  type SamplePhoto,
} from '@imgcls/testing';
import { parse } from 'yaml';
import { compose, containers, podman, type ComposeStack } from './podman';
import type { JobOutcome } from './stack-client';

/** The test model: random convolutions, head fit to the shared photos. Not ImageNet-trained. */
export const TEST_MODEL = 'densenet121-synthetic';
/** A project name of the test's own, so it never touches a stack a person started. */
export const PROJECT = 'imgcls-ctest';

/** One line per figure, printed as the steps run (jest's console adds a stack trace). */
export function report(line: string): void {
  process.stderr.write(`  [containers] ${line}\n`);
}

export function elapsedS(startedMs: number): string {
  return `${((Date.now() - startedMs) / 1000).toFixed(1)} s`;
}

export async function newStack(): Promise<ComposeStack> {
  const model = join(REPO_ROOT, 'models', `${TEST_MODEL}.onnx`);
  if (!existsSync(model)) {
    throw new Error(`${model} is missing; run \`npm run assets:test\` first`);
  }
  return {
    project: PROJECT,
    env: { API_PORT: String(await freePort()), MODEL: TEST_MODEL, WORKER_REPLICAS: '2' },
  };
}

/**
 * `down -v`, then the network podman-compose 1.0.3 leaves behind. Safe on a stack not there;
 * a run cut short with another replica count may leave containers `down` does not know of.
 */
export async function tearDown(stack: ComposeStack, strays = true): Promise<void> {
  await compose(stack, ['down', '-v', '-t', '10']).catch(() => '');
  if (strays) {
    for (const name of await containers(stack)) await podman(['rm', '-f', name]);
    const label = `label=io.podman.compose.project=${stack.project}`;
    const volumes = await podman(['volume', 'ls', '--filter', label, '--format', '{{.Name}}']);
    for (const name of volumes.split('\n').filter(Boolean)) await podman(['volume', 'rm', name]);
  }
  const network = `${stack.project}_default`;
  const exists = await podman(['network', 'exists', network]).then(
    () => true,
    () => false,
  );
  if (exists) await podman(['network', 'rm', '-f', network]);
}

/** What the stack still holds: containers, volumes and networks with its name. */
export async function leftovers(stack: ComposeStack): Promise<string[]> {
  const label = `label=io.podman.compose.project=${stack.project}`;
  const volumes = await podman(['volume', 'ls', '--filter', label, '--format', '{{.Name}}']);
  const networks = await podman(['network', 'ls', '--format', '{{.Name}}']);
  return [
    ...(await containers(stack)),
    ...volumes.split('\n'),
    ...networks.split('\n').filter((name) => name.startsWith(`${stack.project}_`)),
  ].filter((name) => name !== '');
}

/** `count` photos spread over the 200, each with the test model's reference top-1. */
export function photos(count: number): { photo: SamplePhoto; expectedIndex: number }[] {
  const all = samplePhotos();
  const references = referencePredictions();
  const step = Math.floor(all.length / count);
  return Array.from({ length: count }, (_, i) => {
    const photo = all[i * step];
    const expectedIndex = references.get(photo?.file ?? '')?.top5[0];
    if (photo === undefined || expectedIndex === undefined) throw new Error('no reference');
    return { photo, expectedIndex };
  });
}

/** Jobs whose outcome is not `succeeded` with the reference class. */
export function wrongOrMissing(
  expected: Map<string, number>,
  outcomes: Map<string, JobOutcome>,
): string[] {
  return [...expected].flatMap(([id, index]) => {
    const outcome = outcomes.get(id);
    return outcome?.status === 'succeeded' && outcome.classIndex === index
      ? []
      : [`${id}: ${JSON.stringify(outcome ?? 'never finished')}`];
  });
}

/** A service's `stop_grace_period` in seconds, as the compose file says. */
export function stopGracePeriodS(service: string): number {
  const file = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), {
    merge: true,
  }) as { services: Record<string, { stop_grace_period?: string }> };
  const period = /^(\d+)s$/.exec(file.services[service]?.stop_grace_period ?? '')?.[1];
  if (period === undefined) throw new Error(`${service} has no stop_grace_period in seconds`);
  return Number(period);
}

/**
 * The KEDA ScaledObject's `listName` (deploy/k8s), which the compose stack's Redis must use
 * too: both run with the default QUEUE_PREFIX.
 */
export function kedaListName(): string {
  const file = join(REPO_ROOT, 'deploy/k8s/base/keda-scaledobject.yaml');
  const scaledObject = parse(readFileSync(file, 'utf8')) as {
    spec: { triggers: { type: string; metadata: { listName?: string } }[] };
  };
  const listName = scaledObject.spec.triggers.find((t) => t.type === 'redis')?.metadata.listName;
  if (listName === undefined) throw new Error(`${file} has no redis trigger with a listName`);
  return listName;
}
