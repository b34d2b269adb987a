import type { ClassifyQuery } from '@imgcls/contracts';
import type { ApiError } from './api-error';
import type { BackoffOptions } from './backoff';

export const DEFAULT_URL = 'http://127.0.0.1:5000';

export interface ClientOptions {
  /** Base URL of the api; defaults to the local service. */
  url?: string;
  /** Sent as `x-api-key` on every request. */
  apiKey?: string;
  /** Gives up on one HTTP request after this long (default 60 s). */
  timeoutMs?: number;
  /** How long `classify` and `waitForJob` wait for a job in all, unless told (default 120 s). */
  waitTimeoutMs?: number;
  /** Spacing of the polls of `GET /jobs/{id}`. */
  backoff?: Partial<BackoffOptions>;
}

/** `sync`: the api answers with the result (or with a job to poll if it runs long); `async`: submit, then poll. */
export type ClassifyMode = NonNullable<ClassifyQuery['mode']>;

export interface SubmitOptions {
  /** Sent as the multipart file name, and picks its media type; the api sniffs the bytes anyway. */
  filename?: string;
  /** Classes to return, 1..20 (default: the api's `TOP_K`). */
  topK?: number;
  /** Sent as `x-request-id`: ties the api's and the workers' log lines to the caller's. */
  requestId?: string;
  signal?: AbortSignal;
}

export interface ClassifyOptions extends SubmitOptions {
  mode?: ClassifyMode;
  /** Hears of each refused upload (503: no worker, Redis away, queue full) before it is sent again. */
  onRetry?: (refusal: ApiError, delayMs: number) => void;
  /** Deadline for the result, polling included (default: the client's `waitTimeoutMs`). */
  timeoutMs?: number;
}

export interface WaitOptions {
  /** Gives up with `ApiError` code `DEADLINE_EXCEEDED` (status 0, `jobId` set) after this long. */
  timeoutMs?: number;
  signal?: AbortSignal;
}
