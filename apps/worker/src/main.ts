import { CLASSIFY_QUEUE, type ClassifyJobData, type ClassifyResult } from '@imgcls/contracts';
import { StartupError } from '@imgcls/env';
import { Worker } from 'bullmq';
import IORedis from 'ioredis';
import pino from 'pino';
import { loadModel } from './boot';
import { ClassifyProcessor } from './classify/classify.processor';
import { loadWorkerConfig } from './config';

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const logger = pino({ level: config.logLevel, base: { service: 'worker', pid: process.pid } });
  const { manifest, classifier, labels } = await loadModel(config);
  logger.info({ model: manifest.name, test_model: manifest.testModel }, 'model loaded');

  const redis = new IORedis(config.redisUrl, { maxRetriesPerRequest: null });
  redis.on('error', (error: Error) => logger.warn(`redis: ${error.message}`));
  const processor = new ClassifyProcessor({
    redis,
    classifier,
    labels,
    manifest,
    logger,
    maxImagePixels: config.maxImagePixels,
  });
  const worker = new Worker<ClassifyJobData, ClassifyResult>(
    CLASSIFY_QUEUE,
    (job) => processor.process(job),
    {
      connection: { url: config.redisUrl, maxRetriesPerRequest: null },
      prefix: config.queuePrefix,
      concurrency: config.concurrency,
      lockDuration: config.lockDurationMs,
      stalledInterval: config.stalledIntervalMs,
    },
  );
  worker.on('error', (error: Error) => logger.warn(`worker: ${error.message}`));
  // Logged once BullMQ has recorded the result, so each job has exactly one such line.
  worker.on('completed', (job, result) => {
    const { class_id, timings } = result;
    logger.info(
      { job_id: job.id, request_id: job.data.requestId, class_id, timings },
      'job succeeded',
    );
  });
  await worker.waitUntilReady();
  logger.info(
    { queue: CLASSIFY_QUEUE, prefix: config.queuePrefix, concurrency: config.concurrency },
    'worker ready',
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing the jobs in hand');
    // close() stops taking jobs and waits for the active ones to finish.
    await worker.close();
    redis.disconnect();
    await classifier.release();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));
}

main().catch((error: unknown) => {
  console.error(error instanceof StartupError ? error.message : error);
  process.exit(1);
});
