import { parsePrometheus, total } from './support/prometheus';
import { raw, request } from './support/http-outcome';
import { requestHead } from './support/raw-http';
import { startStack, type Stack } from './support/stack';

const HEADERS_TIMEOUT_MS = 2_000;

/**
 * Requests Node refuses before any route (conflicting framing, slow headers) used to leave no
 * trace: each now gets one JSON log line and a count in imgcls_api_rejections_total.
 */
describe("Node's own refusals are logged and counted", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      workers: 0,
      env: { HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS), REQUEST_TIMEOUT_MS: '4000' },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const rejections = async (code: string) => {
    const metrics = await request(stack.url, '/metrics');
    return total(parsePrometheus(String(metrics.body)), 'imgcls_api_rejections_total', { code });
  };
  const refusals = () => stack.api.logEntries('request refused by Node');

  it('Content-Length with Transfer-Encoding: 400, one log line, counted', async () => {
    const before = await rejections('INVALID_REQUEST');
    const head = requestHead('POST', '/run_inference', stack.url, [
      ['content-type', 'image/jpeg'],
      ['content-length', '5'],
      ['transfer-encoding', 'chunked'],
    ]);
    const outcome = await raw(stack.url, { head, chunks: [Buffer.from('0\r\n\r\n')] });
    expect(outcome.status).toBe(400);
    expect(await rejections('INVALID_REQUEST')).toBe(before + 1);
    expect(refusals()).toContainEqual(
      expect.objectContaining({ status: 400, error_code: 'INVALID_REQUEST', level: 40 }),
    );
  });

  it('headers that never finish: 408, one log line, counted', async () => {
    const before = await rejections('REQUEST_TIMEOUT');
    const head = requestHead('POST', '/run_inference', stack.url, [['content-type', 'image/jpeg']]);
    const chunks = Array.from({ length: 40 }, (_, i) => Buffer.from(`X-Slow-${i}: 1\r\n`));
    const outcome = await raw(stack.url, {
      head,
      openHead: true,
      chunks,
      intervalMs: 300,
      timeoutMs: 15_000,
    });
    expect([0, 408]).toContain(outcome.status);
    expect(await rejections('REQUEST_TIMEOUT')).toBe(before + 1);
    expect(refusals()).toContainEqual(
      expect.objectContaining({
        error_code: 'REQUEST_TIMEOUT',
        reason: 'ERR_HTTP_REQUEST_TIMEOUT',
      }),
    );
  });
});
