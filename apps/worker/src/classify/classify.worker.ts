import { CLASSIFY_QUEUE, type ClassifyJobData, type ClassifyResult } from '@imgcls/contracts';
import { reconnectDelayMs } from '@imgcls/env';
import { Worker } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { ServiceTime } from '../heartbeat/service-time';
import type { ClassifyProcessor } from './classify.processor';

export interface ClassifyWorkerOptions {
  redisUrl: string;
  queuePrefix: string;
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** Tests only: each job holds its slot this much longer (0: off). */
  testJobDelayMs: number;
}

/** The BullMQ Worker that feeds the processor, with its bookkeeping wired to job outcomes. */
export function createClassifyWorker(
  processor: ClassifyProcessor,
  options: ClassifyWorkerOptions,
  logger: Logger,
  /** While Redis is away, the worker's errors are the outage, already reported elsewhere. */
  redisReachable: () => boolean,
  /** Hears how long each job held its slot, for the heartbeat. */
  serviceTime: ServiceTime,
): Worker<ClassifyJobData, ClassifyResult> {
  let inSlots = 0;
  const worker = new Worker<ClassifyJobData, ClassifyResult>(
    CLASSIFY_QUEUE,
    async (job) => {
      const startedAtMs = performance.now();
      const contended = inSlots >= options.concurrency - 1;
      inSlots += 1;
      try {
        const result = await processor.process(job);
        // After the work, so the job's own queue_wait_ms stays the true wait for a slot.
        if (options.testJobDelayMs > 0) await sleep(options.testJobDelayMs);
        return result;
      } finally {
        inSlots -= 1;
        const endedAtMs = performance.now();
        serviceTime.record(endedAtMs - startedAtMs, endedAtMs, contended);
      }
    },
    {
      connection: {
        url: options.redisUrl,
        maxRetriesPerRequest: null,
        retryStrategy: reconnectDelayMs,
      },
      prefix: options.queuePrefix,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs,
    },
  );
  worker.on('error', (error: Error) => {
    if (redisReachable()) logger.warn(`worker: ${error.message}`);
  });
  const report = (what: string) => (error: unknown) =>
    logger.warn({ err: error }, `${what} bookkeeping failed`);
  worker.on('completed', (job, result) => {
    processor.completed(job, result).catch(report('completed'));
  });
  worker.on('failed', (job) => {
    if (job) processor.failed(job).catch(report('failed'));
  });
  return worker;
}
