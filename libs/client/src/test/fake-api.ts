import type { ClassifyResponse, ErrorCode, JobAccepted, JobState } from '@imgcls/contracts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the client sent, as the fake api saw it. */
export interface SeenRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string | undefined>;
  body: Buffer;
  atMs: number;
}

export interface Reply {
  status: number;
  /** JSON-encoded unless it is already a string. */
  body: unknown;
  headers?: Record<string, string>;
}

export interface FakeApi {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** A loopback HTTP server on port 0 that records each request and answers as `answer` says. */
export async function startFakeApi(
  answer: (request: SeenRequest) => Reply | Promise<Reply>,
): Promise<FakeApi> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const request: SeenRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([name, value]) => [
            name,
            Array.isArray(value) ? value.join(', ') : value,
          ]),
        ),
        body: Buffer.concat(chunks),
        atMs: Date.now(),
      };
      requests.push(request);
      void Promise.resolve(answer(request)).then((reply) => {
        const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(text);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function classifyResponse(jobId: string, className = 'tench'): ClassifyResponse {
  const prediction = {
    class_id: 'n01440764',
    class_name: className,
    class_index: 0,
    probability: 0.9,
  };
  return {
    ...prediction,
    job_id: jobId,
    top_k: [prediction],
    model: { name: 'densenet121-synthetic', test_model: true },
    timings: { queue_wait_ms: 1, preprocess_ms: 2, inference_ms: 3 },
  };
}

export const ok = (body: unknown): Reply => ({ status: 200, body });

export const accepted = (jobId: string): Reply => {
  const body: JobAccepted = { job_id: jobId, status: 'queued', status_url: `/jobs/${jobId}` };
  return { status: 202, body, headers: { location: body.status_url } };
};

export const apiError = (
  status: number,
  code: ErrorCode,
  message: string,
  headers?: Record<string, string>,
): Reply => ({ status, body: { error: { code, message } }, headers });

export function jobState(
  jobId: string,
  status: JobState['status'],
  extra: Partial<JobState> = {},
): Reply {
  const body: JobState = {
    job_id: jobId,
    status,
    created_at: '2025-01-01T00:00:00.000Z',
    ...extra,
  };
  return ok(body);
}

/** The multipart part's headers, e.g. `name="file"; filename="fish.jpg"` and its Content-Type. */
export function multipartFile(
  body: Buffer,
): { disposition: string; type: string; bytes: string } | undefined {
  const match =
    /Content-Disposition: form-data; ([^\r\n]*)\r\nContent-Type: ([^\r\n]*)\r\n\r\n([\s\S]*?)\r\n--/i.exec(
      body.toString('latin1'),
    );
  return match
    ? { disposition: match[1] ?? '', type: match[2] ?? '', bytes: match[3] ?? '' }
    : undefined;
}
