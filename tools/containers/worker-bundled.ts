import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, sharedDir } from '@imgcls/testing';
import { BUILD_ENV, logLines, podman } from './podman';
import { TEST_MODEL } from './stack-fixture';

const run = promisify(execFile);

/** The Dockerfile's `worker-bundled` target with the TEST model baked in (not ImageNet-trained). */
export const BUNDLED_IMAGE = 'localhost/imgcls-ctest_worker-bundled:latest';
export const BUNDLED_CONTAINER = 'imgcls-ctest-worker-bundled';

/**
 * `docker build --target worker-bundled` of the unchanged Dockerfile. No network here, so the
 * assets stage copies from the shared assets, mounted read-only into its RUN steps as /mirror.
 */
export async function buildWorkerBundled(timeoutMs: number): Promise<void> {
  const mirror = join(sharedDir(), 'assets');
  await run(
    'podman',
    [
      'build',
      ...['--target', 'worker-bundled', '--tag', BUNDLED_IMAGE],
      ...['--build-arg', `MODEL=${TEST_MODEL}`, '--build-arg', 'ASSET_MIRROR=/mirror'],
      ...['--volume', `${mirror}:/mirror:ro`],
      '.',
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...BUILD_ENV },
      timeout: timeoutMs,
      maxBuffer: 64 << 20,
    },
  );
}

export interface ImageFacts {
  sizeBytes: number;
  user: string;
  /** The uid `id -u` prints in a container of the image. */
  uid: number;
}

export async function imageFacts(image: string): Promise<ImageFacts> {
  const [sizeBytes = '', user = ''] = (
    await podman(['image', 'inspect', image, '--format', '{{.Size}} {{.Config.User}}'])
  ).split(' ');
  return { sizeBytes: Number(sizeBytes), user, uid: await idInContainer(image) };
}

/**
 * `id -u` in a throwaway container of the image. podman (with runc) now and then loses the
 * output of a container that exits at once: an empty answer, which Number() would read as
 * uid 0. So only digits count, and an empty answer is asked again.
 */
async function idInContainer(image: string): Promise<number> {
  let out = '';
  for (let attempt = 0; attempt < 3 && !/^\d+$/.test(out); attempt++)
    out = await podman(['run', '--rm', '--network', 'none', '--entrypoint', 'id', image, '-u']);
  if (!/^\d+$/.test(out)) throw new Error(`id -u in ${image} printed "${out}", not a uid`);
  return Number(out);
}

/**
 * Every Python the image holds: interpreters on PATH and library folders. `node` is looked up
 * too, as a control that the probe does find what is there.
 */
export async function interpretersIn(image: string): Promise<string[]> {
  const script = [
    'for name in python3 python python2 node; do command -v "$name"; done',
    'for dir in /usr/lib/python3* /usr/local/lib/python3*; do [ -e "$dir" ] && echo "$dir"; done',
    'exit 0',
  ].join('\n');
  const out = await podman([
    'run',
    '--rm',
    '--network',
    'none',
    '--entrypoint',
    'sh',
    image,
    '-c',
    script,
  ]);
  return out.split('\n').filter((line) => line !== '');
}

/** The bundled worker on `network`, with no model mount: only what the image holds. */
export async function startBundledWorker(network: string): Promise<void> {
  await podman([
    'run',
    '--detach',
    ...['--name', BUNDLED_CONTAINER, '--network', network],
    ...['--env', 'REDIS_URL=redis://redis:6379', '--env', 'INFERENCE_THREADS=1'],
    BUNDLED_IMAGE,
  ]);
}

/** Waits for a log line containing `text`; answers that line. */
export async function waitForLine(name: string, text: string, timeoutMs: number): Promise<string> {
  const deadlineMs = Date.now() + timeoutMs;
  for (;;) {
    const lines = await logLines(name);
    const line = lines.find((candidate) => candidate.includes(text));
    if (line !== undefined) return line;
    if (Date.now() > deadlineMs) {
      throw new Error(
        `${name} logged no '${text}' in ${timeoutMs} ms; last lines:\n${lines.slice(-5).join('\n')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Removes the bundled worker's container and image; safe when they are not there. */
export async function removeBundled(): Promise<void> {
  await podman(['rm', '--force', '--ignore', BUNDLED_CONTAINER]);
  const exists = await podman(['image', 'exists', BUNDLED_IMAGE]).then(
    () => true,
    () => false,
  );
  // Only the image's own layers go: the stages it shares with the compose images, and the
  // assets stage, stay in storage as the next build's cache.
  if (exists) await podman(['rmi', BUNDLED_IMAGE]);
}

export async function bundledLeftovers(): Promise<string[]> {
  const found = await Promise.all(
    [
      ['container', 'exists', BUNDLED_CONTAINER],
      ['image', 'exists', BUNDLED_IMAGE],
    ].map((args) =>
      podman(args).then(
        () => [args[2] ?? ''],
        () => [],
      ),
    ),
  );
  return found.flat();
}
