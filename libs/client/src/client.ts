import {
  isClassifyResponse,
  isJobAccepted,
  isJobState,
  jobPath,
  type ClassifyResponse,
  type JobAccepted,
  type JobState,
} from '@imgcls/contracts';
import { ApiError } from './api-error';
import { DEFAULT_BACKOFF, pollDelayMs, sleep, type BackoffOptions } from './backoff';
import {
  DEFAULT_URL,
  type ClassifyOptions,
  type ClientOptions,
  type SubmitOptions,
  type WaitOptions,
} from './client-options';
import { imageTypeForName } from './image-types';
import { requestJson } from './request-json';

const POLL_GRACE_MS = 1_000;

type Answer = { result: ClassifyResponse } | { accepted: JobAccepted };

/** Typed client for the classification api. Every failure is an {@link ApiError}. */
export class Client {
  readonly url: string;
  private readonly apiKey: string | undefined;
  private readonly timeoutMs: number;
  private readonly waitTimeoutMs: number;
  private readonly backoff: BackoffOptions;

  constructor(options: ClientOptions = {}) {
    this.url = (options.url ?? DEFAULT_URL).replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.waitTimeoutMs = options.waitTimeoutMs ?? 120_000;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  }

  /**
   * Classifies one image. A synchronous request that the api answers with `202` (the job outlived
   * its `SYNC_TIMEOUT_MS`) is followed up by polling, like an asynchronous one. An upload refused
   * with a 503 is sent again after its `Retry-After`.
   */
  async classify(
    image: Uint8Array | Blob,
    options: ClassifyOptions = {},
  ): Promise<ClassifyResponse> {
    const deadlineMs = Date.now() + (options.timeoutMs ?? this.waitTimeoutMs);
    const answer = await this.postUntilAdmitted(image, options, deadlineMs);
    if ('result' in answer) return answer.result;
    return this.waitForJob(answer.accepted.job_id, {
      timeoutMs: deadlineMs - Date.now(),
      signal: options.signal,
    });
  }

  /** Queues an image (`Prefer: respond-async`) and returns its job at once. */
  async submit(image: Uint8Array | Blob, options: SubmitOptions = {}): Promise<JobAccepted> {
    const answer = await this.post(image, options, true, Date.now() + this.timeoutMs);
    if ('accepted' in answer) return answer.accepted;
    // RFC 7240 lets a server ignore a preference; the job then exists and has finished.
    const jobId = answer.result.job_id;
    return { job_id: jobId, status: 'succeeded', status_url: jobPath(jobId) };
  }

  /** `GET /jobs/{id}`; an unknown or expired id is `ApiError` 404 `NOT_FOUND`. */
  async getJob(jobId: string, options: { signal?: AbortSignal } = {}): Promise<JobState> {
    return this.fetchJob(jobId, this.timeoutMs, options.signal);
  }

  /**
   * Polls a job until it ends, with exponential backoff and jitter. A 503 is waited out (its
   * `Retry-After`, else the backoff), as is a poll that got no answer in time; a failed job
   * throws `ApiError` with the job's own code.
   */
  async waitForJob(jobId: string, options: WaitOptions = {}): Promise<ClassifyResponse> {
    const timeoutMs = Math.max(0, options.timeoutMs ?? this.waitTimeoutMs);
    const deadlineMs = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      let delayMs = pollDelayMs(attempt, this.backoff);
      // The poll at the deadline still gets a moment to answer.
      const pollTimeoutMs = Math.min(
        this.timeoutMs,
        Math.max(POLL_GRACE_MS, deadlineMs - Date.now()),
      );
      try {
        const result = settledResult(await this.fetchJob(jobId, pollTimeoutMs, options.signal));
        if (result) return result;
      } catch (error) {
        if (!(error instanceof ApiError && isTransient(error))) throw error;
        delayMs = error.retryAfterMs ?? delayMs;
      }
      const remainingMs = deadlineMs - Date.now();
      if (remainingMs <= 0) {
        const message = `job ${jobId} did not finish within ${timeoutMs} ms`;
        throw new ApiError(0, 'DEADLINE_EXCEEDED', message, { jobId });
      }
      await sleep(Math.min(delayMs, remainingMs), options.signal);
    }
  }

  /**
   * A 503 (`QUEUE_FULL`, `UNAVAILABLE`) refuses the upload before it is queued: send it again
   * after its `Retry-After` (else the backoff), unless that would pass the deadline.
   */
  private async postUntilAdmitted(
    image: Uint8Array | Blob,
    options: ClassifyOptions,
    deadlineMs: number,
  ): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.post(image, options, options.mode === 'async', deadlineMs);
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 503)) throw error;
        const delayMs = error.retryAfterMs ?? pollDelayMs(attempt, this.backoff);
        if (Date.now() + delayMs >= deadlineMs) throw error;
        options.onRetry?.(error, delayMs);
        await sleep(delayMs, options.signal);
      }
    }
  }

  private async fetchJob(
    jobId: string,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<JobState> {
    const { body } = await requestJson(
      `${this.url}${jobPath(encodeURIComponent(jobId))}`,
      { headers: this.headers() },
      { timeoutMs, signal },
    );
    if (!isJobState(body)) {
      throw new ApiError(200, 'BAD_RESPONSE', 'the api answered 200 without a job state');
    }
    return body;
  }

  private async post(
    image: Uint8Array | Blob,
    options: SubmitOptions,
    preferAsync: boolean,
    deadlineMs: number,
  ): Promise<Answer> {
    const filename = options.filename ?? 'image';
    const form = new FormData();
    form.append('file', new Blob([image], { type: imageTypeForName(filename) ?? '' }), filename);
    const query = options.topK === undefined ? '' : `?top_k=${options.topK}`;
    const headers = this.headers({
      ...(preferAsync ? { prefer: 'respond-async' } : {}),
      ...(options.requestId ? { 'x-request-id': options.requestId } : {}),
    });
    const { status, body } = await requestJson(
      `${this.url}/run_inference${query}`,
      { method: 'POST', body: form, headers },
      { timeoutMs: this.requestTimeoutMs(deadlineMs), signal: options.signal },
    );
    if (status === 200 && isClassifyResponse(body)) return { result: body };
    if (status === 202 && isJobAccepted(body)) return { accepted: body };
    throw new ApiError(
      status,
      'BAD_RESPONSE',
      `the api answered ${status} without a classification or a job`,
    );
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      accept: 'application/json',
      ...(this.apiKey ? { 'x-api-key': this.apiKey } : {}),
      ...extra,
    };
  }

  /** One request never outlives the caller's deadline, nor the per-request limit. */
  private requestTimeoutMs(deadlineMs: number): number {
    return Math.max(1, Math.min(this.timeoutMs, deadlineMs - Date.now()));
  }
}

/** Worth polling again: the api is briefly unavailable, or one poll got no answer in time. */
const isTransient = (error: ApiError): boolean =>
  error.status === 503 || error.code === 'DEADLINE_EXCEEDED';

/** The result of a job that has ended well, undefined while it runs; throws for a failed job. */
function settledResult(state: JobState): ClassifyResponse | undefined {
  switch (state.status) {
    case 'queued':
    case 'running':
      return undefined;
    case 'succeeded':
      if (state.result) return state.result;
      throw new ApiError(200, 'BAD_RESPONSE', `job ${state.job_id} succeeded without a result`);
    case 'failed': {
      const error = state.error ?? {
        code: 'INTERNAL' as const,
        message: `job ${state.job_id} failed without saying why`,
      };
      throw new ApiError(200, error.code, error.message, { jobId: state.job_id });
    }
  }
}
