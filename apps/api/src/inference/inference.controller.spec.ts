import { isClassifyResponse, isErrorBody, isJobAccepted } from '@imgcls/contracts';
import type { Worker } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { DRAIN_MAX_BYTES } from '../http/lingering-close';
import { HeldJobs } from '../testing/held-jobs';
import { RawConnection } from '../testing/raw-http';
import { postImage, startTestApi, useTestApi, type TestApi } from '../testing/test-api';
import { madeUpResult, startTestWorker } from '../testing/test-worker';

/** `POST /run_inference` through the real app, with a test worker in place of the model. */
describe('POST /run_inference', () => {
  let api: TestApi;
  let worker: Worker;
  const held = new HeldJobs();

  beforeAll(async () => {
    api = await startTestApi({ SYNC_TIMEOUT_MS: '300', TOP_K: '2' });
    // The request id (X-Request-Id) tells the worker to hold the job until released.
    worker = await startTestWorker(api.config.queuePrefix, async (job) => {
      if (job.data.requestId.startsWith('hold')) await held.hold(job.data.requestId);
      return { result: madeUpResult(job.data.topK) };
    });
  });

  afterAll(async () => {
    held.releaseAll();
    await worker.close();
    await api.close();
  });

  it("waits for the worker's result: 200 with the job id and top_k classes", async () => {
    const response = await postImage(api, '?top_k=3');
    const body: unknown = await response.json();
    expect(response.status).toBe(200);
    expect(isClassifyResponse(body) && body.top_k.length).toBe(3);
  });

  it('uses the TOP_K setting when the request names none', async () => {
    const body: unknown = await (await postImage(api, '')).json();
    expect(isClassifyResponse(body) && body.top_k.length).toBe(2);
  });

  it('answers 202 with Location when asked to (?mode=async or Prefer: respond-async)', async () => {
    const byMode = await postImage(api, '?mode=async');
    const accepted: unknown = await byMode.json();
    expect([byMode.status, isJobAccepted(accepted)]).toEqual([202, true]);
    if (!isJobAccepted(accepted)) return;
    expect([accepted.status, byMode.headers.get('location')]).toEqual([
      'queued',
      accepted.status_url,
    ]);
    expect(byMode.headers.get('preference-applied')).toBeNull();
    const byHeader = await postImage(api, '', undefined, { prefer: 'wait=5, respond-async' });
    expect([byHeader.status, byHeader.headers.get('preference-applied')]).toEqual([
      202,
      'respond-async',
    ]);
    // ?mode wins over the header.
    const sync = await postImage(api, '?mode=sync', undefined, { prefer: 'respond-async' });
    expect(sync.status).toBe(200);
  });

  it('hands a job that outlives SYNC_TIMEOUT_MS back as 202, still running', async () => {
    const response = await postImage(api, '', undefined, { 'x-request-id': 'hold-slow' });
    const body: unknown = await response.json();
    expect([response.status, isJobAccepted(body)]).toEqual([202, true]);
    // Queued or running, by how soon the worker took it; the job goes on either way.
    expect(['queued', 'running']).toContain(isJobAccepted(body) && body.status);
    await held.taken('hold-slow');
    const location = `${api.url}${response.headers.get('location') ?? ''}`;
    expect(await (await fetch(location)).json()).toMatchObject({ status: 'running' });
    held.release('hold-slow');
  });

  it('refuses a bad query with 400 and an empty upload with 400, naming what is wrong', async () => {
    const cases: [string, Buffer | undefined, string][] = [
      ['?top_k=abc', undefined, 'top_k must be a whole number from 1 to 20; got "abc"'],
      ['?top_k=21', undefined, 'top_k must be a whole number from 1 to 20; got "21"'],
      ['?mode=bad', undefined, 'mode must be "sync" or "async"; got "bad"'],
      ['', Buffer.alloc(0), 'the upload is empty'],
    ];
    for (const [query, image, message] of cases) {
      const response = await postImage(api, query, image);
      const body: unknown = await response.json();
      expect([query, response.status, isErrorBody(body) && body.error.message]).toEqual([
        query,
        400,
        message,
      ]);
    }
  });

  it('refuses bytes that are no image it accepts with 415 before they reach a worker', async () => {
    const response = await postImage(api, '', Buffer.from('%PDF-1.7 not an image at all'));
    const body: unknown = await response.json();
    expect([response.status, isErrorBody(body) && body.error.code]).toEqual([
      415,
      'UNSUPPORTED_FORMAT',
    ]);
  });
});

describe('POST /run_inference with no worker', () => {
  const api = useTestApi();

  it('refuses a synchronous request with 503 naming the fix, and queues an async one', async () => {
    const sync = await postImage(api(), '');
    const body: unknown = await sync.json();
    expect([sync.status, sync.headers.get('retry-after')]).toEqual([503, '1']);
    expect(isErrorBody(body) && body.error.message).toContain('npm run start:worker');
    expect((await postImage(api(), '?mode=async')).status).toBe(202);
  });
});

describe('POST /run_inference with the queue full', () => {
  const api = useTestApi({ MAX_QUEUE_DEPTH: '1' });
  // No worker: this job keeps the queue's one place.
  beforeAll(async () => {
    expect((await postImage(api(), '?mode=async')).status).toBe(202);
  });

  it('refuses past MAX_QUEUE_DEPTH with 503 QUEUE_FULL and Retry-After', async () => {
    const full = await postImage(api(), '?mode=async');
    const body: unknown = await full.json();
    expect([full.status, full.headers.get('retry-after')]).toEqual([503, '1']);
    expect(isErrorBody(body) && body.error).toEqual({
      code: 'QUEUE_FULL',
      message: 'the queue is full (1 jobs waiting or arriving; the limit is 1); retry shortly',
    });
  });

  it('keeps the connection after refusing a small body unread, and closes it after a larger or stalled one', async () => {
    // The refused request and `sent` bytes of its body; once all of it is sent, and the time a
    // lingering close allows has passed, a second request on the same connection.
    const exchange = async (declared: number, sent = declared) => {
      const connection = new RawConnection(api().url);
      const host = `Host: ${new URL(api().url).host}`;
      await connection.write(
        `POST /run_inference?mode=async HTTP/1.1\r\n${host}\r\nContent-Type: image/jpeg\r\n` +
          `Content-Length: ${declared}\r\n\r\n`,
      );
      await connection.write(Buffer.alloc(sent));
      const startedMs = performance.now();
      if (sent === declared) {
        await sleep(2_500);
        // A closed connection refuses it, as it should after a larger body.
        const next = `GET /health/live HTTP/1.1\r\n${host}\r\nConnection: close\r\n\r\n`;
        await connection.write(next).catch(() => undefined);
      }
      const timer = setTimeout(() => connection.close(), 10_000);
      await connection.untilClosed().finally(() => clearTimeout(timer));
      return { statuses: connection.statuses(), closedAfterMs: performance.now() - startedMs };
    };
    expect((await exchange(DRAIN_MAX_BYTES)).statuses).toEqual([503, 200]);
    expect((await exchange(DRAIN_MAX_BYTES + 1)).statuses).toEqual([503]);
    // A body that stops arriving is discarded for 2 s, as a lingering close would, then dropped.
    const stalled = await exchange(1_000, 10);
    expect(stalled.statuses).toEqual([503]);
    expect(stalled.closedAfterMs).toBeLessThan(5_000);
  });
});
