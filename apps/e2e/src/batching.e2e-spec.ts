import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClassifyResponse } from '@imgcls/contracts';
import { withFixedBatch } from '@imgcls/onnx';
import { REPO_ROOT } from '@imgcls/testing';
import { eventually, mapConcurrent } from './support/concurrency';
import { heartbeatOf } from './support/heartbeat';
import { classifySync, photo } from './support/jobs';
import { parsePrometheus, total, type Sample } from './support/prometheus';
import { startStack, type Stack } from './support/stack';

const PHOTOS = 12;

/** Images a worker ran, and how many of them ran alone (a batch of 1) or in one of 2. */
async function batches(metricsUrl: string) {
  const samples: Sample[] = parsePrometheus(await (await fetch(metricsUrl)).text());
  const bucket = (le: string) => total(samples, 'imgcls_worker_batch_size_bucket', { le });
  return {
    images: total(samples, 'imgcls_worker_batch_size_count'),
    alone: bucket('1'),
    inTwos: bucket('2') - bucket('1'),
  };
}

/** What a stack's worker says it holds and runs at once: in its heartbeat and its ready log. */
async function slots(stack: Stack) {
  const beat = await eventually('a heartbeat', 10_000, () => heartbeatOf(stack.prefix));
  const ready = stack.workers[0]?.logEntries('worker ready')[0];
  return {
    heartbeat: [beat.concurrency, beat.sessions],
    log: [ready?.['concurrency'], ready?.['running_at_once']],
  };
}

const metricsUrlOf = (stack: Stack) =>
  String(stack.workers[0]?.logEntries('worker ready')[0]?.['metrics_url']);

/** The probability of each class in a response's top 5, by class id. */
const probabilities = (body: ClassifyResponse) =>
  Object.fromEntries(body.top_k.map(({ class_id, probability }) => [class_id, probability]));

describe('jobs that wait for a busy session run as one batch (densenet121-synthetic-int8: a test model)', () => {
  let stack: Stack;
  let metricsUrl: string;

  beforeAll(async () => {
    // One single-threaded session and no lone-job session: every job queues for the same one.
    // MAX_BATCH_SIZE is left at its default, 2, and so WORKER_CONCURRENCY at 4.
    stack = await startStack({
      model: 'densenet121-synthetic-int8',
      env: { INFERENCE_THREADS: '1', LONE_JOB_THREADS: '0', TOP_K: '5' },
    });
    metricsUrl = metricsUrlOf(stack);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('says that a batch of 2 runs at once, so the api counts the other 2 slots as waiting', async () => {
    expect(await slots(stack)).toEqual({ heartbeat: [4, 2], log: [4, 2] });
  });

  it('answers each photo as it does alone, and counts the batches in the worker', async () => {
    const photos = await Promise.all(Array.from({ length: PHOTOS }, (_, i) => photo(i)));
    const alone: ClassifyResponse[] = [];
    for (const { bytes } of photos) {
      const { status, body } = await classifySync(stack.url, bytes);
      expect(status).toBe(200);
      alone.push(body);
    }
    // One at a time, nothing waits: every run is a batch of one.
    expect(await batches(metricsUrl)).toEqual({ images: PHOTOS, alone: PHOTOS, inTwos: 0 });

    const together = await mapConcurrent(photos, PHOTOS, ({ bytes }) =>
      classifySync(stack.url, bytes),
    );
    const after = await batches(metricsUrl);
    expect(after.images).toBe(2 * PHOTOS);
    // Four slots on one session: while one run computes, the next jobs queue and go together.
    expect(after.inTwos).toBeGreaterThanOrEqual(4);
    expect(after.alone + after.inTwos).toBe(after.images); // none larger than MAX_BATCH_SIZE
    together.forEach(({ status, body }, i) => {
      expect(status).toBe(200);
      const single = alone[i] as ClassifyResponse;
      expect([i, body.class_id]).toEqual([i, single.class_id]);
      expect(body.top_k.map((c) => c.class_id)).toEqual(single.top_k.map((c) => c.class_id));
      const expected = probabilities(single);
      for (const [id, p] of Object.entries(probabilities(body)))
        expect(Math.abs(p - (expected[id] ?? NaN))).toBeLessThan(1e-5);
    });
  });
});

/**
 * A graph exported for batches of one (the zoo's MobileNetV2, genuinely ImageNet-trained, its
 * batch dimension fixed at 1): the worker runs one image at a time, whatever MAX_BATCH_SIZE
 * says, holds two jobs per session, not two batches, and reports one job running per session,
 * so the api's wait estimate stays right.
 */
describe('a model whose graph fixes its batch size at 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'imgcls-fixed-batch-'));
  let stack: Stack;

  beforeAll(async () => {
    const models = join(REPO_ROOT, 'models');
    const manifest = JSON.parse(readFileSync(join(models, 'mobilenetv2-12-int8.json'), 'utf8')) as {
      file: string;
      input: { name: string };
    };
    const model = withFixedBatch(readFileSync(join(models, manifest.file)), manifest.input.name, 1);
    mkdirSync(join(dir, 'models'));
    writeFileSync(join(dir, 'models', 'fixed-batch.onnx'), model);
    const fixed = {
      ...manifest,
      name: 'fixed-batch',
      file: 'fixed-batch.onnx',
      sha256: createHash('sha256').update(model).digest('hex'),
      bytes: model.byteLength,
    };
    writeFileSync(join(dir, 'models', 'fixed-batch.json'), JSON.stringify(fixed));
    stack = await startStack({
      model: 'fixed-batch',
      env: { MODELS_DIR: join(dir, 'models'), INFERENCE_THREADS: '1', LONE_JOB_THREADS: '0' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every image alone and says that one job runs at once', async () => {
    // MAX_BATCH_SIZE at its default, 2, but the graph takes one image per run: two slots
    // (one decodes while the other computes), one running.
    expect(await slots(stack)).toEqual({ heartbeat: [2, 1], log: [2, 1] });
    const photos = await Promise.all(Array.from({ length: PHOTOS }, (_, i) => photo(i)));
    const answers = await mapConcurrent(photos, PHOTOS, ({ bytes }) =>
      classifySync(stack.url, bytes),
    );
    expect(answers.map(({ status }) => status)).toEqual(Array(PHOTOS).fill(200));
    expect(await batches(metricsUrlOf(stack))).toEqual({
      images: PHOTOS,
      alone: PHOTOS,
      inTwos: 0,
    });
  });
});
