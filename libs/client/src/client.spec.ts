import { ApiError } from './api-error';
import { Client } from './client';
import {
  accepted,
  apiError,
  classifyResponse,
  jobState,
  multipartFile,
  ok,
  startFakeApi,
  type FakeApi,
  type Reply,
  type SeenRequest,
} from './test/fake-api';

const image = Buffer.from('IMAGEBYTES');
const fastPolls = { initialDelayMs: 5, maxDelayMs: 20 };

/** The api of the contract, with job `j1` going through `states` (the last one repeats). */
function jobsApi(first: Reply, states: Reply[]): (request: SeenRequest) => Reply {
  return (request) => {
    if (request.method === 'POST' && request.path === '/run_inference') return first;
    if (request.method === 'GET' && request.path === '/jobs/j1') {
      return (
        (states.length > 1 ? states.shift() : states[0]) ?? apiError(500, 'INTERNAL', 'no state')
      );
    }
    return apiError(404, 'NOT_FOUND', `no route ${request.method} ${request.path}`);
  };
}

describe('Client', () => {
  let api: FakeApi | undefined;
  afterEach(() => api?.close());

  async function client(answer: (request: SeenRequest) => Reply, apiKey?: string): Promise<Client> {
    api = await startFakeApi(answer);
    return new Client({ url: `${api.url}/`, apiKey, backoff: fastPolls });
  }

  it('sends the image as the multipart field "file" and returns the synchronous result', async () => {
    const c = await client(() => ok(classifyResponse('j1')), 'k3y');
    const result = await c.classify(image, { filename: 'fish.JPG', topK: 3, requestId: 'r-1' });
    expect(result.class_name).toBe('tench');
    const [post] = api?.requests ?? [];
    expect(post).toMatchObject({ method: 'POST', path: '/run_inference' });
    expect(post?.query.get('top_k')).toBe('3');
    expect(post?.headers).toMatchObject({
      'x-api-key': 'k3y',
      'x-request-id': 'r-1',
      accept: 'application/json',
    });
    expect(post?.headers['prefer']).toBeUndefined();
    expect(post?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(post && multipartFile(post.body)).toEqual({
      disposition: 'name="file"; filename="fish.JPG"',
      type: 'image/jpeg',
      bytes: 'IMAGEBYTES',
    });
  });

  it('in async mode submits with Prefer: respond-async, then polls the job until it succeeds', async () => {
    const states = [jobState('j1', 'queued'), jobState('j1', 'running')];
    const c = await client(
      jobsApi(accepted('j1'), [
        ...states,
        jobState('j1', 'succeeded', { result: classifyResponse('j1') }),
      ]),
      'k',
    );
    const result = await c.classify(image, { mode: 'async' });
    expect(result.job_id).toBe('j1');
    expect(
      api?.requests.map(
        (r) => `${r.method} ${r.path} ${r.headers['prefer'] ?? '-'} ${r.headers['x-api-key']}`,
      ),
    ).toEqual([
      'POST /run_inference respond-async k',
      'GET /jobs/j1 - k',
      'GET /jobs/j1 - k',
      'GET /jobs/j1 - k',
    ]);
  });

  it('follows a synchronous request that the api answered 202 (SYNC_TIMEOUT_MS) by polling', async () => {
    const c = await client(
      jobsApi(accepted('j1'), [jobState('j1', 'succeeded', { result: classifyResponse('j1') })]),
    );
    await expect(c.classify(image)).resolves.toMatchObject({ job_id: 'j1' });
    expect(api?.requests.map((r) => r.method)).toEqual(['POST', 'GET']);
  });

  it('throws the failed job’s own code', async () => {
    const failed = jobState('j1', 'failed', {
      error: { code: 'INVALID_IMAGE', message: 'truncated JPEG' },
    });
    const c = await client(jobsApi(accepted('j1'), [jobState('j1', 'running'), failed]));
    const error = await c.classify(image, { mode: 'async' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 200,
      code: 'INVALID_IMAGE',
      message: 'truncated JPEG',
      jobId: 'j1',
    });
  });

  it('answers an unknown job with NOT_FOUND', async () => {
    const c = await client(jobsApi(accepted('j1'), []));
    await expect(c.getJob('nope/../x')).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(api?.requests[0]?.path).toBe('/jobs/nope%2F..%2Fx');
  });

  it('waits out a 503 for as long as its Retry-After says, then goes on polling', async () => {
    const unavailable = apiError(503, 'UNAVAILABLE', 'Redis is unreachable', {
      'retry-after': '1',
    });
    const c = await client(
      jobsApi(accepted('j1'), [
        unavailable,
        jobState('j1', 'succeeded', { result: classifyResponse('j1') }),
      ]),
    );
    await expect(c.waitForJob('j1', { timeoutMs: 5_000 })).resolves.toMatchObject({ job_id: 'j1' });
    const [first, second] = api?.requests ?? [];
    expect((second?.atMs ?? 0) - (first?.atMs ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('gives up at the deadline with DEADLINE_EXCEEDED and the job id', async () => {
    const c = await client(jobsApi(accepted('j1'), [jobState('j1', 'running')]));
    const startedMs = Date.now();
    const error = await c
      .classify(image, { mode: 'async', timeoutMs: 150 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0, code: 'DEADLINE_EXCEEDED', jobId: 'j1' });
    // Gave up at its own 150 ms deadline, long before the default one; the bound leaves room
    // for a busy machine, and so does the count (the submit and at least one poll).
    expect(Date.now() - startedMs).toBeLessThan(5_000);
    expect(api?.requests.length).toBeGreaterThanOrEqual(2);
  });

  it('sends an upload refused with a 503 again, unless its Retry-After passes the deadline', async () => {
    const full = (after: string) =>
      apiError(503, 'QUEUE_FULL', 'the queue holds 1000 jobs', { 'retry-after': after });
    const replies = [full('0'), full('0'), ok(classifyResponse('j1')), full('1')];
    const c = await client(() => replies.shift() ?? apiError(500, 'INTERNAL', 'no reply left'));
    await expect(c.classify(image)).resolves.toMatchObject({ job_id: 'j1' });
    expect(api?.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'POST']);
    const error = await c.classify(image, { timeoutMs: 500 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, code: 'QUEUE_FULL', retryAfterMs: 1_000 });
    expect(api?.requests).toHaveLength(4);
  });

  it('stops polling when the caller aborts, with the abort’s reason', async () => {
    const c = await client(jobsApi(accepted('j1'), [jobState('j1', 'running')]));
    const reason = new Error('user cancelled');
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 50);
    await expect(c.waitForJob('j1', { signal: controller.signal })).rejects.toBe(reason);
  });

  it('submit returns the job, even from a server that ignores Prefer and answers 200', async () => {
    const c = await client(jobsApi(accepted('j7'), []));
    await expect(c.submit(image)).resolves.toEqual({
      job_id: 'j7',
      status: 'queued',
      status_url: '/jobs/j7',
    });
    await api?.close();
    const d = await client(() => ok(classifyResponse('j8')));
    await expect(d.submit(image)).resolves.toEqual({
      job_id: 'j8',
      status: 'succeeded',
      status_url: '/jobs/j8',
    });
  });

  it('turns an error body into an ApiError with its code, status and Retry-After', async () => {
    const c = await client(() =>
      apiError(503, 'UNAVAILABLE', 'shutting down', { 'retry-after': '7' }),
    );
    // submit never retries: the caller has the Retry-After.
    await expect(c.submit(image)).rejects.toMatchObject({
      status: 503,
      code: 'UNAVAILABLE',
      retryAfterMs: 7_000,
    });
  });

  it.each([
    ['a 200 that is not a classification', ok({ class_id: 3 })],
    ['a 202 without a job', { status: 202, body: {} }],
    ['a non-JSON body', { status: 502, body: '<html>bad gateway</html>' }],
  ])('refuses %s as BAD_RESPONSE', async (_name, reply: Reply) => {
    const c = await client(() => reply);
    await expect(c.classify(image)).rejects.toMatchObject({
      code: 'BAD_RESPONSE',
      status: reply.status,
    });
  });

  it('reports an api it cannot reach as NETWORK_ERROR', async () => {
    const c = await client(() => ok({}));
    await api?.close();
    const error = await c.getJob('j1').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
    expect(String(error)).toContain('ECONNREFUSED');
  });
});
