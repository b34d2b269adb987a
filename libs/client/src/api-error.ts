import type { ErrorCode } from '@imgcls/contracts';

/**
 * The codes of an {@link ApiError}: the api's own codes, plus three the client raises itself.
 * - `BAD_RESPONSE`: the api answered, but not in the shape the contract promises.
 * - `NETWORK_ERROR`: no answer at all (connection refused, reset, DNS).
 * - `DEADLINE_EXCEEDED`: the client stopped waiting (a request's `timeoutMs`, or the deadline of
 *   `classify` / `waitForJob`); a job it was waiting for may still finish.
 */
export type ClientErrorCode = ErrorCode | 'BAD_RESPONSE' | 'NETWORK_ERROR' | 'DEADLINE_EXCEEDED';

/** Extra facts about an {@link ApiError}. */
export interface ApiErrorDetails {
  /** The job the error is about, when there is one: a failed job, or one still running at the deadline. */
  jobId?: string;
  /** From a `Retry-After` header (503 answers carry one). */
  retryAfterMs?: number;
}

/**
 * Every failure of a `Client` method, except an abort through the caller's own signal (which
 * rejects with the signal's reason, as `fetch` does). Match on `code`, never on `message`.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly jobId: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    /**
     * HTTP status of the answer that carried the error: 200 for a job that failed (reported by
     * `GET /jobs/{id}`), 0 when there was no answer (network failure, the client's own deadline).
     */
    readonly status: number,
    readonly code: ClientErrorCode,
    message: string,
    details: ApiErrorDetails = {},
  ) {
    super(message);
    this.jobId = details.jobId;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** RFC 9110 `Retry-After`: delay in seconds, or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfterMs(header: string | null, nowMs = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
  if (!/[a-z]/i.test(header)) return undefined;
  const dateMs = Date.parse(header);
  return Number.isNaN(dateMs) ? undefined : Math.max(0, dateMs - nowMs);
}
