import { CLASSIFY_QUEUE, type ClassifyJobData, type ClassifyResult } from '@imgcls/contracts';
import { reconnectDelayMs } from '@imgcls/env';
import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { ClassifyProcessor } from './classify.processor';

export interface ClassifyWorkerOptions {
  redisUrl: string;
  queuePrefix: string;
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
}

/** The BullMQ Worker that feeds the processor, with its bookkeeping wired to job outcomes. */
export function createClassifyWorker(
  processor: ClassifyProcessor,
  options: ClassifyWorkerOptions,
  logger: Logger,
  /** While Redis is away, the worker's errors are the outage, already reported elsewhere. */
  redisReachable: () => boolean,
): Worker<ClassifyJobData, ClassifyResult> {
  const worker = new Worker<ClassifyJobData, ClassifyResult>(
    CLASSIFY_QUEUE,
    (job) => processor.process(job),
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
