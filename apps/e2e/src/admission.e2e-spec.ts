import { isErrorBody } from '@imgcls/contracts';
import IORedis from 'ioredis';
import { postRaw, raw, multipartBytes, type Outcome } from './support/http-outcome';
import { photo } from './support/jobs';
import { PrivateRedis } from './support/private-redis';
import { requestHead } from './support/raw-http';
import { slowUpload } from './support/slow-upload';
import { startStack, type Stack } from './support/stack';

const SLOW_PIECES = 10;
const SLOW_INTERVAL_MS = 100;

/** An upload whose body takes a second to arrive, asking for 202 (no worker will answer). */
const slowAsync = (url: string, bytes: Buffer) =>
  slowUpload(url, bytes, { pieces: SLOW_PIECES, intervalMs: SLOW_INTERVAL_MS });

/** The same, as chunked multipart: no Content-Length for the api to count. */
function slowChunkedMultipart(url: string, bytes: Buffer): Promise<Outcome> {
  const body = multipartBytes('b0undary', [{ field: 'file', bytes, filename: 'a.jpg' }]);
  const size = Math.ceil(body.length / SLOW_PIECES);
  const chunks = Array.from({ length: SLOW_PIECES }, (_, i) => {
    const piece = body.subarray(i * size, (i + 1) * size);
    return Buffer.concat([
      Buffer.from(`${piece.length.toString(16)}\r\n`),
      piece,
      Buffer.from('\r\n'),
    ]);
  });
  chunks.push(Buffer.from('0\r\n\r\n'));
  const head = requestHead('POST', '/run_inference?mode=async', url, [
    ['content-type', 'multipart/form-data; boundary=b0undary'],
    ['transfer-encoding', 'chunked'],
  ]);
  return raw(url, { head, chunks, intervalMs: SLOW_INTERVAL_MS });
}

const codeOf = (o: Outcome) => (isErrorBody(o.body) ? o.body.error.code : undefined);
const tally = (outcomes: Outcome[]) => ({
  accepted: outcomes.filter((o) => o.status === 202).length,
  queueFull: outcomes.filter((o) => o.status === 503 && codeOf(o) === 'QUEUE_FULL').length,
  retryAfter: outcomes.every((o) => o.status !== 503 || o.headers['retry-after'] === '1'),
});

/**
 * Admission is one atomic step before the body is read: six slow uploads at once, no worker,
 * cannot all slip past a limit of two, whether the limit is jobs or bytes, and a chunked body
 * is counted at the largest size it may have.
 */
describe('atomic admission (no worker: nothing leaves the queue)', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  it('MAX_QUEUE_DEPTH=2: of six concurrent slow uploads, two are accepted, four get QUEUE_FULL', async () => {
    stack = await startStack({ workers: 0, env: { MAX_QUEUE_DEPTH: '2' } });
    const { bytes } = await photo(0);
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => slowAsync(stack?.url ?? '', bytes)),
    );
    expect(tally(outcomes)).toEqual({ accepted: 2, queueFull: 4, retryAfter: true });
  });

  it('MAX_QUEUED_BYTES for two photos: the same', async () => {
    const { bytes } = await photo(0);
    const budget = String(Math.floor(bytes.length * 2.5));
    stack = await startStack({ workers: 0, env: { MAX_QUEUED_BYTES: budget } });
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => slowAsync(stack?.url ?? '', bytes)),
    );
    expect(tally(outcomes)).toEqual({ accepted: 2, queueFull: 4, retryAfter: true });
  });

  it('a chunked multipart upload reserves MAX_UPLOAD_BYTES until its real size is known', async () => {
    const { bytes } = await photo(0);
    const maxUpload = 4 * bytes.length;
    stack = await startStack({
      workers: 0,
      env: { MAX_UPLOAD_BYTES: String(maxUpload), MAX_QUEUED_BYTES: String(2 * maxUpload) },
    });
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () => slowChunkedMultipart(stack?.url ?? '', bytes)),
    );
    expect(tally(outcomes)).toEqual({ accepted: 2, queueFull: 2, retryAfter: true });
    // Once read, each holds only its own size: there is room again.
    expect((await postRaw(stack.url, bytes, 'image/jpeg', { query: '?mode=async' })).status).toBe(
      202,
    );
  });
});

describe('a Redis at maxmemory', () => {
  it('refuses uploads with 503 QUEUE_FULL and Retry-After, never a 500', async () => {
    const redis = await PrivateRedis.start();
    const stack = await startStack({ workers: 0, redisUrl: redis.url });
    const admin = new IORedis(redis.url);
    try {
      const used = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1]);
      await admin.config('SET', 'maxmemory', String(used + 1024 * 1024));
      const { bytes } = await photo(0);
      const statuses: number[] = [];
      let refused: Outcome | undefined;
      for (let i = 0; i < 60 && refused === undefined; i += 1) {
        const outcome = await postRaw(stack.url, bytes, 'image/jpeg', { query: '?mode=async' });
        statuses.push(outcome.status);
        if (outcome.status !== 202) refused = outcome;
      }
      expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
      expect([
        refused?.status,
        refused && codeOf(refused),
        refused?.headers['retry-after'],
      ]).toEqual([503, 'QUEUE_FULL', '1']);
    } finally {
      admin.disconnect();
      await stack.stop();
      await redis.stop();
    }
  });
});
