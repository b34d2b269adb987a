import { CLASSIFY_QUEUE } from '@imgcls/contracts';
import { StartupError } from '@imgcls/env';
import IORedis from 'ioredis';
import pino from 'pino';
import { loadModel } from './boot';
import { ClassifyProcessor } from './classify/classify.processor';
import { createClassifyWorker } from './classify/classify.worker';
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
  const worker = createClassifyWorker(processor, config, logger);
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
