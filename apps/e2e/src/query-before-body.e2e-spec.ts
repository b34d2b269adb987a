import { isErrorBody } from '@imgcls/contracts';
import { rawExchange, requestHead } from './support/raw-http';
import { startStack, type Stack } from './support/stack';

const MB = 1_000_000;
const BODY_BYTES = 9 * MB;
/** 100 kB every 100 ms: 1 MB/s, so the whole body would take 9 s to arrive. */
const PIECE = Buffer.alloc(100_000, 0xff);
const PIECE_INTERVAL_MS = 100;

/**
 * A bad query parameter is refused from the request line alone: the 400 comes back while a
 * large body is still being sent, and the connection is closed rather than drained.
 */
describe('the query is checked before the body is read', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it.each([
    ['?top_k=abc', 'top_k must be a whole number from 1 to 20; got "abc"'],
    ['?mode=bad', 'mode must be "sync" or "async"; got "bad"'],
  ])('%s with a 9 MB body at 1 MB/s: 400 in under 1 s', async (query, message) => {
    const answer = await rawExchange(stack.url, {
      head: requestHead('POST', `/run_inference${query}`, stack.url, [
        ['Content-Type', 'image/jpeg'],
        ['Content-Length', String(BODY_BYTES)],
      ]),
      chunks: Array.from({ length: BODY_BYTES / PIECE.length }, () => PIECE),
      intervalMs: PIECE_INTERVAL_MS,
      timeoutMs: 15_000,
    });
    const body: unknown = JSON.parse(answer.body);
    expect({ status: answer.status, body }).toEqual({
      status: 400,
      body: { error: { code: 'INVALID_REQUEST', message } },
    });
    expect(isErrorBody(body)).toBe(true);
    expect(answer.headers['connection']).toBe('close');
    expect(answer.headersMs).toBeLessThan(1_000);
  });
});
