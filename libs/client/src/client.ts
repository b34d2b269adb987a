import {
  isClassifyResult,
  isErrorBody,
  type ClassifyResponse,
  type ErrorCode,
} from '@imgcls/contracts';

/** An error answer from the api, with its stable code. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'BAD_RESPONSE',
    message: string,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  /** Base URL of the api; defaults to the local service. */
  url?: string;
  /** Gives up on a request after this long. */
  timeoutMs?: number;
}

export interface ClassifyOptions {
  /** Sent as the multipart file name; informative only, the api sniffs the bytes. */
  filename?: string;
  topK?: number;
  requestId?: string;
}

export const DEFAULT_URL = 'http://127.0.0.1:5000';

/** Typed client for the classification api. */
export class Client {
  readonly url: string;
  private readonly timeoutMs: number;

  constructor(options: ClientOptions = {}) {
    this.url = (options.url ?? DEFAULT_URL).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  /** Uploads an image as the multipart field `file` and waits for its class. */
  async classify(image: Uint8Array, options: ClassifyOptions = {}): Promise<ClassifyResponse> {
    const form = new FormData();
    form.append('file', new Blob([image]), options.filename ?? 'image');
    const query = options.topK === undefined ? '' : `?top_k=${options.topK}`;
    const headers: Record<string, string> = options.requestId
      ? { 'x-request-id': options.requestId }
      : {};
    const body = await this.request(`/run_inference${query}`, {
      method: 'POST',
      body: form,
      headers,
    });
    if (!isClassifyResult(body) || typeof (body as { job_id?: unknown }).job_id !== 'string') {
      throw new ApiError(200, 'BAD_RESPONSE', 'the api answered 200 without a classification');
    }
    return body as ClassifyResponse;
  }

  private async request(path: string, init: RequestInit): Promise<unknown> {
    const response = await fetch(`${this.url}${path}`, {
      ...init,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      throw new ApiError(
        response.status,
        'BAD_RESPONSE',
        `the api answered ${response.status} with a non-JSON body`,
      );
    }
    if (!response.ok) {
      if (isErrorBody(body))
        throw new ApiError(response.status, body.error.code, body.error.message);
      throw new ApiError(
        response.status,
        'BAD_RESPONSE',
        `the api answered ${response.status} without an error body`,
      );
    }
    return body;
  }
}
