import { MAX_TOP_K } from '@imgcls/contracts';
import {
  SHARED_ENV,
  commaList,
  count,
  hostAddress,
  intRange,
  listenPort,
  parseEnv,
  positiveInt,
} from '@imgcls/env';

/** Everything the api reads from the environment, parsed once at boot. */
export interface ApiConfig {
  readonly host: string;
  readonly port: number;
  readonly redisUrl: string;
  readonly queuePrefix: string;
  /** Largest upload accepted, in bytes; larger bodies get 413 without being read. */
  readonly maxUploadBytes: number;
  readonly maxImagePixels: number;
  readonly maxImageSidePx: number;
  readonly maxAspectRatio: number;
  /** How long a synchronous request waits for its job. */
  readonly syncTimeoutMs: number;
  /** How long finished jobs and their results are kept. */
  readonly resultTtlS: number;
  /** At most this many finished jobs are kept, whatever their age, so Redis stays bounded. */
  readonly resultMaxCount: number;
  /** Safety net for upload bytes in Redis; workers delete them as soon as a job ends. */
  readonly imageTtlS: number;
  /** Attempts per job for transient failures (bad input is never retried). */
  readonly jobAttempts: number;
  readonly defaultTopK: number;
  readonly logLevel: string;
  /** A client must have sent its whole request within this long (slow bodies get 408). */
  readonly requestTimeoutMs: number;
  /** ... and its headers within this long (slowloris). */
  readonly headersTimeoutMs: number;
  readonly maxHeaderBytes: number;
  readonly maxHeaderCount: number;
  /** Jobs waiting (and uploads arriving) beyond this many are refused with 503 QUEUE_FULL. */
  readonly maxQueueDepth: number;
  /** Bytes of queued and arriving uploads in Redis beyond which requests get QUEUE_FULL. */
  readonly maxQueuedBytes: number;
  /**
   * A request whose job is expected to wait longer than this for a worker gets QUEUE_FULL
   * before its body is read (admission/queue-wait.ts); 0 turns the check off.
   */
  readonly maxQueueWaitMs: number;
  /** Uploads this process reads at once (their bodies are in memory); more get QUEUE_FULL. */
  readonly maxInflightUploads: number;
  /** A job not started this long after submission is dropped unprocessed (504 to a waiter). */
  readonly jobDeadlineMs: number;
  /** Accepted API keys; empty means no key is needed. */
  readonly apiKeys: readonly string[];
  /** Origins allowed by CORS; empty means CORS is off. */
  readonly corsOrigins: readonly string[];
  /** An orderly stop that takes longer is abandoned (exit 1). */
  readonly shutdownTimeoutMs: number;
}

export const API_CONFIG = Symbol('API_CONFIG');

/** Every variable the api reads, with its validator and default. */
const API_ENV = {
  ...SHARED_ENV,
  HOST: hostAddress({ default: '127.0.0.1' }),
  PORT: listenPort({ default: 5000 }),
  MAX_UPLOAD_BYTES: positiveInt({ default: 10 * 1024 * 1024 }),
  MAX_IMAGE_SIDE_PX: positiveInt({ default: 10_000 }),
  MAX_ASPECT_RATIO: positiveInt({ default: 20 }),
  SYNC_TIMEOUT_MS: positiveInt({ default: 30_000 }),
  RESULT_TTL_S: positiveInt({ default: 3600 }),
  RESULT_MAX_COUNT: positiveInt({ default: 10_000 }),
  IMAGE_TTL_S: positiveInt({ default: 600 }),
  JOB_ATTEMPTS: positiveInt({ default: 3 }),
  TOP_K: intRange(1, MAX_TOP_K)({ default: 5 }),
  REQUEST_TIMEOUT_MS: positiveInt({ default: 30_000 }),
  HEADERS_TIMEOUT_MS: positiveInt({ default: 10_000 }),
  MAX_HEADER_BYTES: positiveInt({ default: 16 * 1024 }),
  MAX_HEADER_COUNT: positiveInt({ default: 100 }),
  MAX_QUEUE_DEPTH: positiveInt({ default: 256 }),
  // A quarter of the 512 MiB docker-compose gives Redis: results and BullMQ need the rest.
  MAX_QUEUED_BYTES: positiveInt({ default: 128 * 1024 * 1024 }),
  MAX_INFLIGHT_UPLOADS: positiveInt({ default: 64 }),
  // A few seconds: a person still waits for an answer, 64 closed-loop clients of the 2-core
  // stack (12-MP photos included) fit under it, and it is well inside JOB_DEADLINE_MS, so an
  // admitted job is not one that will be dropped unprocessed.
  MAX_QUEUE_WAIT_MS: count({ default: 5_000 }),
  JOB_DEADLINE_MS: positiveInt({ default: 20_000 }),
  API_KEYS: commaList({ default: [] }),
  CORS_ORIGINS: commaList({ default: [] }),
};

export const API_VARIABLES = Object.keys(API_ENV);

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const e = parseEnv(env, API_ENV);
  return {
    host: e.HOST,
    port: e.PORT,
    redisUrl: e.REDIS_URL,
    queuePrefix: e.QUEUE_PREFIX,
    maxUploadBytes: e.MAX_UPLOAD_BYTES,
    maxImagePixels: e.MAX_IMAGE_PIXELS,
    maxImageSidePx: e.MAX_IMAGE_SIDE_PX,
    maxAspectRatio: e.MAX_ASPECT_RATIO,
    syncTimeoutMs: e.SYNC_TIMEOUT_MS,
    resultTtlS: e.RESULT_TTL_S,
    resultMaxCount: e.RESULT_MAX_COUNT,
    imageTtlS: e.IMAGE_TTL_S,
    jobAttempts: e.JOB_ATTEMPTS,
    defaultTopK: e.TOP_K,
    logLevel: e.LOG_LEVEL,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    headersTimeoutMs: Math.min(e.HEADERS_TIMEOUT_MS, e.REQUEST_TIMEOUT_MS),
    maxHeaderBytes: e.MAX_HEADER_BYTES,
    maxHeaderCount: e.MAX_HEADER_COUNT,
    maxQueueDepth: e.MAX_QUEUE_DEPTH,
    maxQueuedBytes: e.MAX_QUEUED_BYTES,
    maxQueueWaitMs: e.MAX_QUEUE_WAIT_MS,
    maxInflightUploads: e.MAX_INFLIGHT_UPLOADS,
    jobDeadlineMs: e.JOB_DEADLINE_MS,
    apiKeys: e.API_KEYS,
    corsOrigins: e.CORS_ORIGINS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  };
}
