import { rawExchange } from '../testing/raw-http';
import { useTestApi } from '../testing/test-api';

/** Limits on the request itself, enforced before any route: JSON errors in every case. */
describe('request limits', () => {
  const api = useTestApi({ MAX_HEADER_COUNT: '10', MAX_HEADER_BYTES: '2048' });

  const host = () => `Host: ${new URL(api().url).host}`;

  it('refuses more headers than MAX_HEADER_COUNT with 431, naming the count', async () => {
    const headers = Array.from({ length: 11 }, (_, i) => `X-Extra-${i}: ${i}`);
    const response = await fetch(`${api().url}/health/live`, {
      headers: Object.fromEntries(headers.map((line) => line.split(': ') as [string, string])),
    });
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(response.status).toBe(431);
    expect(body.error.code).toBe('HEADERS_TOO_LARGE');
    expect(body.error.message).toMatch(/^the request has \d+ headers; the limit is 10$/);
  });

  it('refuses an HTTP/1.1 request without Host with 400 in JSON', async () => {
    const reply = await rawExchange(api().url, 'GET /health/live HTTP/1.1\r\nConnection: close');
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toContain('an HTTP/1.1 request needs a Host header');
  });

  it("answers Node's own refusals (headers too large, broken framing) in JSON", async () => {
    const big = await rawExchange(
      api().url,
      `GET /health/live HTTP/1.1\r\n${host()}\r\nX-Big: ${'a'.repeat(4096)}`,
    );
    expect(big).toMatch(/^HTTP\/1\.1 431 HEADERS_TOO_LARGE/);
    expect(big).toContain('"code":"HEADERS_TOO_LARGE"');
    const smuggled = await rawExchange(
      api().url,
      `POST /run_inference HTTP/1.1\r\n${host()}\r\nContent-Length: 3\r\nContent-Length: 4`,
      'abcd',
    );
    expect(smuggled).toMatch(/^HTTP\/1\.1 400 INVALID_REQUEST/);
    const metrics = await (await fetch(`${api().url}/metrics`)).text();
    expect(metrics).toMatch(/imgcls_api_rejections_total\{code="HEADERS_TOO_LARGE"\} [1-9]/);
  });
});
