import type { ClassifyResponse } from '@imgcls/contracts';
import { mapConcurrent } from './support/concurrency';
import { classifySync, photo } from './support/jobs';
import { parsePrometheus, total, type Sample } from './support/prometheus';
import { startStack, type Stack } from './support/stack';

const PHOTOS = 12;

/** The probability of each class in a response's top 5, by class id. */
const probabilities = (body: ClassifyResponse) =>
  Object.fromEntries(body.top_k.map(({ class_id, probability }) => [class_id, probability]));

describe('jobs that wait for a busy session run as one batch (densenet121-synthetic-int8: a test model)', () => {
  let stack: Stack;
  let metricsUrl: string;
  /** Images the worker ran, and how many of them ran alone (a batch of 1) or in one of ≤ 2. */
  const batches = async () => {
    const samples: Sample[] = parsePrometheus(await (await fetch(metricsUrl)).text());
    const bucket = (le: string) => total(samples, 'imgcls_worker_batch_size_bucket', { le });
    return {
      images: total(samples, 'imgcls_worker_batch_size_count'),
      alone: bucket('1'),
      inTwos: bucket('2') - bucket('1'),
    };
  };

  beforeAll(async () => {
    // One single-threaded session and no lone-job session: every job queues for the same one.
    // MAX_BATCH_SIZE is left at its default, 2, and so WORKER_CONCURRENCY at 4.
    stack = await startStack({
      model: 'densenet121-synthetic-int8',
      env: { INFERENCE_THREADS: '1', LONE_JOB_THREADS: '0', TOP_K: '5' },
    });
    const worker = stack.workers[0];
    metricsUrl = String(worker?.logEntries('worker ready')[0]?.['metrics_url']);
  });

  afterAll(async () => {
    await stack?.stop();
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
    expect(await batches()).toEqual({ images: PHOTOS, alone: PHOTOS, inTwos: 0 });

    const together = await mapConcurrent(photos, PHOTOS, ({ bytes }) =>
      classifySync(stack.url, bytes),
    );
    const after = await batches();
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
