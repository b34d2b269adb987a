import { isErrorBody } from '@imgcls/contracts';
import { ApiError, parseRetryAfterMs } from './api-error';

/** A successful (2xx) answer whose body parsed as JSON; the caller narrows the body. */
export interface JsonAnswer {
  status: number;
  body: unknown;
}

export interface RequestLimits {
  /** Gives up on the request (connect, upload, answer) after this long. */
  timeoutMs: number;
  /** The caller's own abort: rejects with its reason, unwrapped. */
  signal?: AbortSignal;
}

/**
 * One HTTP exchange with the api. Every failure becomes an {@link ApiError}: the api's error
 * body with its code, `BAD_RESPONSE` for anything off-contract, `NETWORK_ERROR` or `DEADLINE_EXCEEDED`
 * without an answer. Only the caller's abort passes through as is.
 */
export async function requestJson(
  url: string,
  init: RequestInit,
  limits: RequestLimits,
): Promise<JsonAnswer> {
  const timeout = AbortSignal.timeout(Math.max(1, Math.ceil(limits.timeoutMs)));
  const signal = limits.signal ? AbortSignal.any([limits.signal, timeout]) : timeout;
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { ...init, signal });
    text = await response.text();
  } catch (error) {
    if (limits.signal?.aborted) throw limits.signal.reason;
    if (timeout.aborted) {
      const message = `no answer from ${url} within ${limits.timeoutMs} ms`;
      throw new ApiError(0, 'DEADLINE_EXCEEDED', message);
    }
    throw new ApiError(0, 'NETWORK_ERROR', `cannot reach ${url}: ${networkCause(error)}`);
  }

  const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'));
  const status = response.status;
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(status, 'BAD_RESPONSE', `the api answered ${status} with a non-JSON body`, {
      retryAfterMs,
    });
  }
  if (response.ok) return { status, body };
  if (isErrorBody(body)) {
    throw new ApiError(status, body.error.code, body.error.message, { retryAfterMs });
  }
  throw new ApiError(status, 'BAD_RESPONSE', `the api answered ${status} without an error body`, {
    retryAfterMs,
  });
}

/** `fetch failed` says nothing; its cause names the system error (ECONNREFUSED, ENOTFOUND). */
function networkCause(error: unknown): string {
  const { cause, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    cause?: { code?: unknown };
    message?: unknown;
  };
  if (typeof cause?.code === 'string') return cause.code;
  return typeof message === 'string' ? message : String(error);
}
