import { announceStandInWorker, TEST_REDIS_URL } from '@imgcls/testing';
import sharp from 'sharp';
import { classifySync, getJob, photo, submitAsync, waitForJob } from './support/jobs';
import { QueueProbe } from './support/queue-probe';
import { startStack, type Stack } from './support/stack';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const RESULT_TTL_S = 3;

describe('submit, then poll', () => {
  let stack: Stack;
  let probe: QueueProbe;

  beforeAll(async () => {
    stack = await startStack({ env: { RESULT_TTL_S: String(RESULT_TTL_S) } });
    probe = new QueueProbe(stack.prefix, TEST_REDIS_URL);
  });
  afterAll(async () => {
    await probe?.close();
    await stack?.stop();
  });

  it('answers 202 with Location, and the poll ends with the same result as a sync call', async () => {
    const { bytes, wnid } = await photo(7);
    const submitted = await submitAsync(stack.url, bytes);
    expect(submitted.status).toBe(202);
    const jobId = submitted.body.job_id;
    expect(jobId).toMatch(UUID_V4);
    expect(submitted.location).toBe(`/jobs/${jobId}`);
    expect(submitted.body).toEqual({
      job_id: jobId,
      status: 'queued',
      status_url: `/jobs/${jobId}`,
    });

    const state = await waitForJob(stack.url, jobId);
    expect(state.status).toBe('succeeded');
    expect(Date.parse(state.finished_at ?? '')).toBeGreaterThanOrEqual(
      Date.parse(state.created_at),
    );
    const sync = await classifySync(stack.url, bytes);
    expect(sync.status).toBe(200);
    // Everything but the job id and the timings is the same for the same photo.
    const comparable = (r: { job_id: string; timings: unknown }) => ({
      ...r,
      job_id: '',
      timings: {},
    });
    expect(state.result?.job_id).toBe(jobId);
    const syncResult = comparable(sync.body);
    expect(comparable(state.result ?? { job_id: '', timings: {} })).toEqual(syncResult);
    expect(syncResult).toMatchObject({ class_id: wnid });
  });

  it('also takes ?mode=async, and deletes the upload as soon as the job is done', async () => {
    const { bytes } = await photo(8);
    const response = await fetch(`${stack.url}/run_inference?mode=async`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg' },
      body: bytes,
    });
    expect(response.status).toBe(202);
    const { job_id } = (await response.json()) as { job_id: string };
    await waitForJob(stack.url, job_id);
    expect(await probe.imageKeys()).toEqual([]);
  });

  it('answers 404 with a JSON error for an unknown or malformed id', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope', '..%2F..%2Fetc']) {
      const { status, body } = await getJob(stack.url, id);
      expect(status).toBe(404);
      expect(body).toEqual({
        error: { code: 'NOT_FOUND', message: 'no such job; it may have expired' },
      });
    }
  });

  it('fails an undecodable image once, with its code, without retrying it', async () => {
    // A PNG whose structure the api's probe accepts but whose compressed pixels are garbage
    // (a truncated JPEG is refused by the api itself now, so it never reaches a worker).
    const png = await sharp((await photo(9)).bytes)
      .resize(64, 64)
      .png()
      .toBuffer();
    const pixels = png.indexOf('IDAT') + 4 + 2; // past the chunk type and the zlib header
    for (let i = pixels; i < pixels + 32; i++) png[i] = (png[i] ?? 0) ^ 0xff;
    const submitted = await submitAsync(stack.url, png);
    const state = await waitForJob(stack.url, submitted.body.job_id);
    expect(state.status).toBe('failed');
    expect(state.error?.code).toBe('INVALID_IMAGE');
    expect((await probe.job(submitted.body.job_id))?.attemptsMade).toBe(1);
  });

  it(`forgets results after RESULT_TTL_S (${RESULT_TTL_S} s)`, async () => {
    const { bytes } = await photo(10);
    const submitted = await submitAsync(stack.url, bytes);
    await waitForJob(stack.url, submitted.body.job_id);
    expect((await getJob(stack.url, submitted.body.job_id)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, RESULT_TTL_S * 1000 + 1500));
    expect((await getJob(stack.url, submitted.body.job_id)).status).toBe(404);
    expect(await probe.job(submitted.body.job_id)).toBeUndefined();
  });
});

describe('a synchronous request that outlives SYNC_TIMEOUT_MS', () => {
  let stack: Stack;
  let probe: QueueProbe;

  beforeAll(async () => {
    // No real worker at first, so jobs wait in the queue; a stand-in gets them admitted.
    stack = await startStack({ workers: 0, env: { SYNC_TIMEOUT_MS: '500' } });
    await announceStandInWorker(stack.prefix);
    probe = new QueueProbe(stack.prefix, TEST_REDIS_URL);
  });
  afterAll(async () => {
    await probe?.close();
    await stack?.stop();
  });

  it('keeps the job of a client that hung up', async () => {
    const { bytes } = await photo(11);
    const abort = new AbortController();
    const request = fetch(`${stack.url}/run_inference?mode=sync`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg' },
      body: bytes,
      signal: abort.signal,
    }).catch((error: unknown) => error);
    await probe.waitForCounts((c) => (c['waiting'] ?? 0) >= 1, 5_000);
    abort.abort();
    expect(await request).toMatchObject({ name: 'AbortError' });
    await new Promise((resolve) => setTimeout(resolve, 700)); // past SYNC_TIMEOUT_MS
    expect((await probe.counts())['waiting']).toBe(1);
  });

  it('gets 202 with the job Location, and the job goes on to succeed', async () => {
    const { bytes, wnid } = await photo(12);
    const started = Date.now();
    const response = await fetch(`${stack.url}/run_inference`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg' },
      body: bytes,
    });
    expect(response.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(3_000);
    const body = (await response.json()) as { job_id: string; status: string };
    expect(response.headers.get('location')).toBe(`/jobs/${body.job_id}`);
    expect(body.status).toBe('queued');

    await stack.startWorker();
    const state = await waitForJob(stack.url, body.job_id);
    expect(state.result?.class_id).toBe(wnid);
    // The abandoned job of the previous test was done as well.
    await probe.waitForCounts((c) => c['completed'] === 2, 10_000);
  });
});
