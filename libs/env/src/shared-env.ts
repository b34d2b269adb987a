import { keyPrefix, oneOf, positiveInt, redisUrl } from './parse-env';

/**
 * The variables the api and the worker both read, with their one set of defaults: the two
 * must agree on where the queue is, and on how large an image may be.
 */
export const SHARED_ENV = {
  REDIS_URL: redisUrl({ default: 'redis://127.0.0.1:6379' }),
  QUEUE_PREFIX: keyPrefix({ default: 'imgcls' }),
  MAX_IMAGE_PIXELS: positiveInt({ default: 40_000_000 }),
  // Above the api's longest drain (SYNC_TIMEOUT_MS + 5 s) at the defaults.
  SHUTDOWN_TIMEOUT_MS: positiveInt({ default: 40_000 }),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const)({
    default: 'info',
  }),
};
