export * from './api-error';
export { DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
export * from './client';
export * from './client-options';
// The body checks come from the contract's schemas, the same ones the api is documented with.
export { isClassifyResponse, isJobAccepted, isJobState, isJobStatus } from '@imgcls/contracts';
