import { CLASSIFY_QUEUE } from '@imgcls/contracts';
import { listenError, loggedReconnect, onShutdownSignal, runMain } from '@imgcls/env';
import { int8WeightsWarning } from '@imgcls/models';
import { configureDecoder } from '@imgcls/preprocessing';
import IORedis from 'ioredis';
import pino, { type Logger } from 'pino';
import { loadModel, type LoadedModel } from './boot';
import { ClassifyProcessor } from './classify/classify.processor';
import { createClassifyWorker } from './classify/classify.worker';
import { loadWorkerConfig, workerSlots, type WorkerConfig } from './config';
import { Heartbeat } from './heartbeat/heartbeat';
import { ServiceTime } from './heartbeat/service-time';
import { boundPort, serveMetrics } from './metrics/metrics-server';
import { WorkerMetrics } from './metrics/worker-metrics';

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  // `npm start` checks both apps' environment before starting either.
  if (process.argv.includes('--check-env')) return;
  const logger = pino({ level: config.logLevel, base: { service: 'worker', pid: process.pid } });
  configureDecoder({ threadsPerImage: 1 });
  // A worker whose model thread died must not go on taking jobs: it exits, its held jobs
  // go to other workers when their locks lapse, and its supervisor starts a fresh one.
  const model = await loadModel(config, fatal(logger, 'the model thread died; exiting'));
  logger.info({ model: model.description }, 'model loaded');
  const int8Warning = int8WeightsWarning(model.manifest);
  if (int8Warning !== undefined) logger.warn(int8Warning);
  // `npm run check:model`: the manifest, the files, their checksums and a warm-up run, no Redis.
  if (process.argv.includes('--check-model')) {
    await model.classifier.release();
    console.log(`model ${model.description.name} OK: it loads, its labels match, and it runs`);
    return;
  }
  const serving = await serve(config, logger, model);
  onShutdownSignal(serving.stop, {
    timeoutMs: config.shutdownTimeoutMs,
    abandoned: serving.abandoned,
    log: (line) => logger.warn(line),
  });
}

/** Registers the worker, then takes jobs; resolves once it does. */
async function serve(
  config: WorkerConfig,
  logger: Logger,
  model: LoadedModel,
): Promise<{ stop: () => Promise<void>; abandoned: () => string }> {
  const metrics = new WorkerMetrics();
  const { metricsHost: host, metricsPort: port } = config;
  const metricsServer = await serveMetrics(metrics.registry, host, port).catch((error) => {
    throw listenError(error, 'METRICS_PORT', port, host);
  });
  const redis = connectRedis(config, logger);
  const serviceTime = new ServiceTime();
  // Of the jobs it holds, those its model computes at once; the others decode or wait for it.
  const { concurrency, runningAtOnce } = workerSlots(config, model.classifier.imagesAtOnce);
  const load = () => ({
    concurrency,
    sessions: runningAtOnce,
    recent_job_ms: serviceTime.recentJobMs(performance.now()),
  });
  // Registered before taking any job, so a worker of another model never takes one.
  const heartbeat = new Heartbeat(
    redis,
    model.description,
    { ...config, intervalMs: config.heartbeatIntervalMs, ttlMs: config.heartbeatTtlMs, load },
    logger,
  );
  await heartbeat.start(fatal(logger, 'the queue now serves another model; exiting'));
  const processor = new ClassifyProcessor({
    ...model,
    redis,
    logger,
    metrics,
    maxImagePixels: config.maxImagePixels,
    processingTimeoutMs: config.jobProcessingTimeoutMs,
  });
  const reachable = () => redis.status === 'ready';
  const worker = createClassifyWorker(
    processor,
    { ...config, concurrency },
    logger,
    reachable,
    serviceTime,
  );
  await worker.waitUntilReady();
  const metricsUrl = `http://${host}:${boundPort(metricsServer)}/metrics`;
  logger.info(
    {
      queue: CLASSIFY_QUEUE,
      prefix: config.queuePrefix,
      concurrency,
      running_at_once: runningAtOnce,
      metrics_url: metricsUrl,
    },
    'worker ready',
  );
  const stop = async () => {
    logger.info('stopping: finishing the jobs in hand');
    await heartbeat.stop(); // no longer counted as ready
    await worker.close(); // stops taking jobs, waits for the active ones
    redis.disconnect();
    metricsServer.close();
    await model.classifier.release();
    logger.info('stopped');
  };
  return { stop, abandoned: () => abandonedJobs(processor.jobsInHand()) };
}

const fatal = (logger: Logger, message: string) => (error: Error) => {
  logger.fatal({ err: error }, message);
  process.exit(1);
};

/** One connection for heartbeats and uploads; it alone reports reconnect attempts. */
function connectRedis(config: WorkerConfig, logger: Logger): IORedis {
  const redis = new IORedis(config.redisUrl, {
    maxRetriesPerRequest: null,
    retryStrategy: loggedReconnect(config.redisUrl, (line) => logger.warn(line)),
  });
  redis.on('error', (error: Error) => {
    if (redis.status === 'ready') logger.warn(`redis: ${error.message}`);
  });
  return redis;
}

function abandonedJobs(ids: string[]): string {
  if (ids.length === 0) return 'no job was in hand';
  return (
    `${ids.length} job(s) in hand (${ids.join(', ')}); another worker takes them over once ` +
    'their locks lapse (LOCK_DURATION_MS)'
  );
}

runMain(main);
