export * from './api-error';
export { DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
export * from './client';
export * from './client-options';
export * from './job-guards';
