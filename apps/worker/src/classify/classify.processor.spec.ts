import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CLASSIFY_JOB,
  CLASSIFY_QUEUE,
  decodeJobFailure,
  imageKey,
  type ClassifyJobData,
  type ClassifyResult,
} from '@imgcls/contracts';
import {
  deleteKeysWithPrefix,
  REPO_ROOT,
  samplePhotos,
  TEST_REDIS_URL,
  testPrefix,
} from '@imgcls/testing';
import { Queue, QueueEvents } from 'bullmq';
import IORedis from 'ioredis';
import pino from 'pino';
import { loadModel, type LoadedModel } from '../boot';
import { loadWorkerConfig } from '../config';
import { ClassifyProcessor } from './classify.processor';
import { createClassifyWorker } from './classify.worker';
import { ServiceTime } from '../heartbeat/service-time';
import { WorkerMetrics } from '../metrics/worker-metrics';

/**
 * The processor inside a real BullMQ Worker on the real Redis, with the test model
 * (densenet121-synthetic: not ImageNet-trained; fit to the shared photos).
 */
describe('ClassifyProcessor in a BullMQ worker', () => {
  const prefix = testPrefix('worker');
  const photo = samplePhotos()[0];
  let model: LoadedModel;
  let queue: Queue<ClassifyJobData, ClassifyResult>;
  let events: QueueEvents;
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    const config = loadWorkerConfig({
      MODEL: 'densenet121-synthetic',
      MODELS_DIR: join(REPO_ROOT, 'models'),
      LABELS_DIR: join(REPO_ROOT, 'labels'),
      INTRA_OP_THREADS: '1',
      INFERENCE_THREADS: '0', // the thread's script exists only once built; e2e covers it
    });
    model = await loadModel(config, (error) => {
      throw error;
    });
    queue = new Queue(CLASSIFY_QUEUE, { connection: { url: TEST_REDIS_URL }, prefix });
    events = new QueueEvents(CLASSIFY_QUEUE, { connection: { url: TEST_REDIS_URL }, prefix });
    await events.waitUntilReady();
  });

  afterAll(async () => {
    await closeWorkers();
    await events.close();
    await queue.close();
    await model.classifier.release();
    await deleteKeysWithPrefix(prefix);
  });

  /** A worker whose processor reads uploads through `redis`. */
  function startWorker(redis: IORedis, processingTimeoutMs = 10_000): void {
    const logger = pino({ level: 'silent' });
    const processor = new ClassifyProcessor({
      ...model,
      redis,
      logger,
      metrics: new WorkerMetrics(),
      maxImagePixels: 40_000_000,
      processingTimeoutMs,
    });
    const worker = createClassifyWorker(
      processor,
      {
        redisUrl: TEST_REDIS_URL,
        queuePrefix: prefix,
        concurrency: 1,
        lockDurationMs: 10_000,
        stalledIntervalMs: 5_000,
        testJobDelayMs: 0,
      },
      logger,
      () => true,
      new ServiceTime(),
    );
    closers.push(
      () => worker.close(),
      () => Promise.resolve(redis.disconnect()),
    );
  }

  const closeWorkers = async () => {
    for (const close of closers.splice(0)) await close();
  };

  async function enqueue(jobId: string, attempts: number) {
    const key = imageKey(prefix, jobId);
    const bytes = await readFile(photo?.path ?? '');
    const writer = new IORedis(TEST_REDIS_URL);
    await writer.set(key, bytes);
    writer.disconnect();
    const now = Date.now();
    const data = {
      imageKey: key,
      requestId: 'r1',
      topK: 3,
      submittedAtMs: now,
      deadlineAtMs: now + 60_000,
    };
    return queue.add(CLASSIFY_JOB, data, {
      jobId,
      attempts,
      backoff: { type: 'fixed', delay: 50 },
    });
  }

  it('retries a transient failure with backoff, a bounded number of times, then fails it', async () => {
    // Reads go to a Redis that is not there: an infrastructure fault, not the image's.
    const unreachable = new IORedis('redis://127.0.0.1:1', {
      enableOfflineQueue: false,
      lazyConnect: true,
    });
    startWorker(unreachable);
    const job = await enqueue('transient', 3);
    await expect(job.waitUntilFinished(events, 20_000)).rejects.toThrow();
    const failed = await queue.getJob('transient');
    expect(failed?.attemptsMade).toBe(3);
    expect(decodeJobFailure(failed?.failedReason).code).toBe('INTERNAL');
    await closeWorkers();
  });

  it('classifies a photo and deletes its upload once the result is recorded', async () => {
    startWorker(new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: null }));
    const job = await enqueue('good', 3);
    const result = await job.waitUntilFinished(events, 20_000);
    expect(result.class_id).toBe(photo?.wnid);
    expect(result.top_k).toHaveLength(3);
    expect(result.model).toEqual({ name: 'densenet121-synthetic', test_model: true });
    const reader = new IORedis(TEST_REDIS_URL);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the delete follows the record
    expect(await reader.exists(imageKey(prefix, 'good'))).toBe(0);
    reader.disconnect();
  });

  it('fails a job over its processing budget as bad input, once, and goes on to the next', async () => {
    await closeWorkers();
    // 1 ms: no job can read its upload, decode it and run the model in that time.
    startWorker(new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: null }), 1);
    const jobs = [await enqueue('slow-1', 3), await enqueue('slow-2', 3)];
    for (const job of jobs) {
      await expect(job.waitUntilFinished(events, 20_000)).rejects.toThrow();
      const failed = await queue.getJob(job.id ?? '');
      expect(failed?.attemptsMade).toBe(1);
      const error = decodeJobFailure(failed?.failedReason);
      expect(error.code).toBe('IMAGE_TOO_COMPLEX');
      expect(error.message).toContain('took over 1 ms, the limit per job');
    }
    await closeWorkers();
  });
});
