import {
  SHARED_ENV,
  count,
  hostAddress,
  intRange,
  listenPort,
  parseEnv,
  positiveInt,
  str,
} from '@imgcls/env';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

/** Everything the worker reads from the environment, parsed once at boot. */
export interface WorkerConfig {
  readonly redisUrl: string;
  readonly queuePrefix: string;
  /** Name of the manifest in `modelsDir` (`models/<model>.json`). */
  readonly model: string;
  readonly modelsDir: string;
  readonly labelsDir: string;
  /**
   * Jobs this process holds at once when set (`WORKER_CONCURRENCY`); by default two batches'
   * worth per session, known once the model has loaded (`workerSlots`).
   */
  readonly concurrency: number | undefined;
  /** Threads that each run a session of the model (0: run it on the event loop's thread). */
  readonly inferenceThreads: number;
  /** onnxruntime intra-op threads per session. */
  readonly intraOpThreads: number;
  /**
   * Intra-op threads of one more session, for a job that finds every other session idle, so
   * that a lone request uses all the worker's cores; not above `intraOpThreads`: no such session.
   */
  readonly loneJobThreads: number;
  /** Added to the nice value of the threads that run the model (0: the same as the rest). */
  readonly inferenceNice: number;
  /** The most jobs waiting for one session that it runs as one batch (1: one at a time). */
  readonly maxBatchSize: number;
  /** Decoder limit; the api checks the header first, this guards the worker on its own. */
  readonly maxImagePixels: number;
  /**
   * A job still running this long after it started fails as IMAGE_TOO_COMPLEX (never retried)
   * and frees its slot; the decoder is also told to stop at this many whole seconds.
   */
  readonly jobProcessingTimeoutMs: number;
  /** A job whose lock is not renewed for this long is handed to another worker. */
  readonly lockDurationMs: number;
  /** How often workers look for such stalled jobs. */
  readonly stalledIntervalMs: number;
  readonly logLevel: string;
  /** Where `GET /metrics` and `GET /health` are served; port 0 picks a free one. */
  readonly metricsHost: string;
  readonly metricsPort: number;
  readonly heartbeatIntervalMs: number;
  /** A worker silent for this long counts as gone (readiness, `GET /models`). */
  readonly heartbeatTtlMs: number;
  /** An orderly stop that takes longer is abandoned (exit 1); held jobs go to other workers. */
  readonly shutdownTimeoutMs: number;
  /** Tests only: each job holds its slot this much longer, to make a slow worker (0: off). */
  readonly testJobDelayMs: number;
}

/** Every variable the worker reads, with its validator and default. */
const WORKER_ENV = {
  ...SHARED_ENV,
  MODEL: str({ default: 'densenet121' }),
  MODELS_DIR: str({ default: 'models' }),
  LABELS_DIR: str({ default: 'labels' }),
  // One session per core, each on one thread, measured best (docs/benchmarks.md); two batches
  // worth of jobs per session, so one decodes while the other computes.
  INFERENCE_THREADS: count({ default: availableParallelism() }),
  INTRA_OP_THREADS: positiveInt({ default: 1 }),
  // Default: the cores the sessions use together (docs/benchmarks.md, a lone job).
  LONE_JOB_THREADS: count({ default: undefined, example: '2' }),
  // Busy cores serve Redis, decoding and HTTP first: refusals 3× faster at 150% load.
  INFERENCE_NICE: intRange(0, 19)({ default: 10 }),
  // Jobs that queue for a busy session run together: less CPU per image (docs/benchmarks.md).
  MAX_BATCH_SIZE: positiveInt({ default: 2 }),
  WORKER_CONCURRENCY: positiveInt({ default: undefined, example: '4' }),
  // A 40-MP progressive JPEG (a shared photo enlarged) decodes in ~0.5 s of CPU; see docs/benchmarks.md.
  JOB_PROCESSING_TIMEOUT_MS: positiveInt({ default: 10_000, example: '10000' }),
  LOCK_DURATION_MS: positiveInt({ default: 10_000 }),
  STALLED_INTERVAL_MS: positiveInt({ default: 5_000 }),
  METRICS_HOST: hostAddress({ default: '127.0.0.1' }),
  METRICS_PORT: listenPort({ default: 0 }),
  HEARTBEAT_INTERVAL_MS: positiveInt({ default: 2_000 }),
  HEARTBEAT_TTL_MS: positiveInt({ default: 6_000 }),
  // The e2e tests of latency-budget admission need a worker slow by a known amount.
  TEST_JOB_DELAY_MS: count({ default: 0 }),
};

export const WORKER_VARIABLES = Object.keys(WORKER_ENV);

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const e = parseEnv(env, WORKER_ENV);
  return {
    redisUrl: e.REDIS_URL,
    queuePrefix: e.QUEUE_PREFIX,
    model: e.MODEL,
    modelsDir: resolve(e.MODELS_DIR),
    labelsDir: resolve(e.LABELS_DIR),
    concurrency: e.WORKER_CONCURRENCY,
    intraOpThreads: e.INTRA_OP_THREADS,
    inferenceThreads: e.INFERENCE_THREADS,
    loneJobThreads: e.LONE_JOB_THREADS ?? e.INFERENCE_THREADS * e.INTRA_OP_THREADS,
    inferenceNice: e.INFERENCE_NICE,
    // INFERENCE_THREADS=0 runs the model on the event loop's thread: one job at a time.
    maxBatchSize: e.INFERENCE_THREADS > 0 ? e.MAX_BATCH_SIZE : 1,
    maxImagePixels: e.MAX_IMAGE_PIXELS,
    jobProcessingTimeoutMs: e.JOB_PROCESSING_TIMEOUT_MS,
    lockDurationMs: e.LOCK_DURATION_MS,
    stalledIntervalMs: e.STALLED_INTERVAL_MS,
    logLevel: e.LOG_LEVEL,
    metricsHost: e.METRICS_HOST,
    metricsPort: e.METRICS_PORT,
    heartbeatIntervalMs: e.HEARTBEAT_INTERVAL_MS,
    heartbeatTtlMs: Math.max(e.HEARTBEAT_TTL_MS, 2 * e.HEARTBEAT_INTERVAL_MS),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    testJobDelayMs: e.TEST_JOB_DELAY_MS,
  };
}

/**
 * The jobs a worker holds (`concurrency`) and, of those, the jobs its model computes at once
 * (`runningAtOnce`), given how many images its model runs at once as loaded: a batch per
 * session, as large as the graph allows. By default it holds two of those, so that one batch
 * is decoded while the other computes.
 */
export function workerSlots(
  config: Pick<WorkerConfig, 'concurrency'>,
  imagesAtOnce: number,
): { concurrency: number; runningAtOnce: number } {
  const concurrency = config.concurrency ?? 2 * imagesAtOnce;
  return { concurrency, runningAtOnce: Math.min(imagesAtOnce, concurrency) };
}
