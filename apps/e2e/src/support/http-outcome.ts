import { rawExchange, type RawRequest } from './raw-http';

/** One request's answer as a test sees it; `status` 0 means the connection closed unanswered. */
export interface Outcome {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: unknown;
  /** Request start to the end of the answer (or the close). */
  ms: number;
}

export interface UploadPart {
  field: string;
  bytes: Buffer;
  filename?: string;
  type?: string;
}

const parseBody = (text: string, contentType: string | undefined): unknown => {
  if (!(contentType ?? '').includes('json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

async function timedFetch(url: string, init: RequestInit): Promise<Outcome> {
  const start = performance.now();
  const response = await fetch(url, init);
  const text = await response.text();
  const headers = Object.fromEntries(response.headers.entries());
  return {
    status: response.status,
    headers,
    body: parseBody(text, headers['content-type']),
    ms: performance.now() - start,
  };
}

/** POSTs the image itself, with `contentType` (and any other headers). */
export function postRaw(
  url: string,
  bytes: Buffer,
  contentType: string,
  { query = '', headers = {} }: { query?: string; headers?: Record<string, string> } = {},
): Promise<Outcome> {
  return timedFetch(`${url}/run_inference${query}`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body: bytes,
  });
}

/** POSTs a multipart form with these parts (file parts when they have a filename). */
export function postMultipart(
  url: string,
  parts: readonly UploadPart[],
  query = '',
): Promise<Outcome> {
  const form = new FormData();
  for (const part of parts) {
    if (part.filename === undefined) form.append(part.field, part.bytes.toString('latin1'));
    else form.append(part.field, new Blob([part.bytes], { type: part.type }), part.filename);
  }
  return timedFetch(`${url}/run_inference${query}`, { method: 'POST', body: form });
}

/** Any method and path, through fetch. */
export function request(url: string, path: string, init: RequestInit = {}): Promise<Outcome> {
  return timedFetch(`${url}${path}`, init);
}

/** Over a bare socket (see rawExchange), as an Outcome. */
export async function raw(url: string, rawRequest: RawRequest): Promise<Outcome> {
  const answer = await rawExchange(url, rawRequest);
  return {
    status: answer.closedEarly && answer.status === 0 ? 0 : answer.status,
    headers: answer.headers,
    body: parseBody(answer.body, answer.headers['content-type']),
    ms: answer.totalMs,
  };
}

/** A multipart body by hand, for what FormData cannot express (a missing closing boundary). */
export function multipartBytes(
  boundary: string,
  parts: readonly UploadPart[],
  close = true,
): Buffer {
  const pieces = parts.flatMap((part) => [
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${part.field}"` +
        (part.filename === undefined ? '' : `; filename="${part.filename}"`) +
        `\r\nContent-Type: ${part.type ?? 'application/octet-stream'}\r\n\r\n`,
    ),
    part.bytes,
    Buffer.from('\r\n'),
  ]);
  return Buffer.concat([...pieces, Buffer.from(close ? `--${boundary}--\r\n` : '')]);
}
