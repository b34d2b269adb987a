import { CLASSIFY_QUEUE } from '@imgcls/contracts';
import { onShutdownSignal, runMain } from '@imgcls/env';
import { configureDecoder } from '@imgcls/preprocessing';
import IORedis from 'ioredis';
import pino from 'pino';
import { loadModel } from './boot';
import { ClassifyProcessor } from './classify/classify.processor';
import { createClassifyWorker } from './classify/classify.worker';
import { loadWorkerConfig } from './config';
import { Heartbeat } from './heartbeat/heartbeat';
import { boundPort, serveMetrics } from './metrics/metrics-server';
import { WorkerMetrics } from './metrics/worker-metrics';

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const logger = pino({ level: config.logLevel, base: { service: 'worker', pid: process.pid } });
  configureDecoder({ threadsPerImage: 1 });
  // A worker whose model thread died must not go on taking jobs: it exits, its held jobs
  // go to other workers when their locks lapse, and its supervisor starts a fresh one.
  const model = await loadModel(config, (error) => {
    logger.fatal({ err: error }, 'the model thread died; exiting');
    process.exit(1);
  });
  logger.info({ model: model.description }, 'model loaded');

  const metrics = new WorkerMetrics();
  const metricsServer = await serveMetrics(
    metrics.registry,
    config.metricsHost,
    config.metricsPort,
  );
  const redis = new IORedis(config.redisUrl, { maxRetriesPerRequest: null });
  redis.on('error', (error: Error) => logger.warn(`redis: ${error.message}`));
  const processor = new ClassifyProcessor({
    ...model,
    redis,
    logger,
    metrics,
    maxImagePixels: config.maxImagePixels,
    processingTimeoutMs: config.jobProcessingTimeoutMs,
  });
  const worker = createClassifyWorker(processor, config, logger);
  await worker.waitUntilReady();
  const heartbeat = new Heartbeat(
    redis,
    model.description,
    { ...config, intervalMs: config.heartbeatIntervalMs, ttlMs: config.heartbeatTtlMs },
    logger,
  );
  await heartbeat.start();
  logger.info(
    {
      queue: CLASSIFY_QUEUE,
      prefix: config.queuePrefix,
      concurrency: config.concurrency,
      metrics_url: `http://${config.metricsHost}:${boundPort(metricsServer)}/metrics`,
    },
    'worker ready',
  );

  onShutdownSignal(async (signal) => {
    logger.info({ signal }, 'stopping: finishing the jobs in hand');
    await heartbeat.stop(); // no longer counted as ready
    // close() stops taking jobs and waits for the active ones to finish.
    await worker.close();
    redis.disconnect();
    metricsServer.close();
    await model.classifier.release();
    logger.info('stopped');
  });
}

runMain(main);
