import { isErrorBody, type ClassifyResponse } from '@imgcls/contracts';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request, type Outcome } from './support/http-outcome';
import { photo } from './support/jobs';
import { leaksIn } from './support/leak-scan';
import { startStack, type Stack } from './support/stack';

const KEYS = [`k1-${randomUUID()}`, `k2-${randomUUID()}`] as const;
const GOOD_ORIGIN = 'https://good.example';
const EVIL_ORIGIN = 'https://evil.example';

/** API keys, CORS and helmet, on a locked-down stack and an open one. */
describe('security: API keys, CORS, helmet, no internals in errors', () => {
  let locked: Stack; // API_KEYS (two) and CORS_ORIGINS=https://good.example
  let open: Stack; // neither
  let image: { bytes: Buffer; wnid: string };
  /** Every error body this suite saw, with the stack's prefix, for the leak scan at the end. */
  const errors: { what: string; body: unknown; prefix: string }[] = [];

  const send = async (
    stack: Stack,
    what: string,
    path: string,
    init: RequestInit = {},
  ): Promise<Outcome> => {
    const outcome = await request(stack.url, path, init);
    if (outcome.status >= 400) errors.push({ what, body: outcome.body, prefix: stack.prefix });
    return outcome;
  };
  const classify = (stack: Stack, what: string, headers: Record<string, string> = {}) =>
    send(stack, what, '/run_inference', {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg', ...headers },
      body: image.bytes,
    });
  const preflight = (stack: Stack, origin: string) =>
    send(stack, `preflight from ${origin}`, '/run_inference', {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-api-key',
      },
    });
  const corsHeaders = (outcome: Outcome) =>
    Object.entries(outcome.headers)
      .filter(([name]) => name.startsWith('access-control-allow-'))
      .map(([name, value]) => `${name}: ${value}`);
  const expectError = (outcome: Outcome, status: number, code: string) => {
    expect(outcome.status).toBe(status);
    expect(isErrorBody(outcome.body) && outcome.body.error.code).toBe(code);
  };

  beforeAll(async () => {
    image = await photo(0);
    [locked, open] = await Promise.all([
      startStack({ env: { API_KEYS: KEYS.join(','), CORS_ORIGINS: GOOD_ORIGIN } }),
      // Without the variable jest sets for in-process tests: the worker's own default is tested.
      startStack({ env: { ORT_DISABLE_TELEMETRY: undefined } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([locked?.stop(), open?.stop()]);
  });

  it('refuses a request without a key, or with a wrong one: 401 UNAUTHORIZED', async () => {
    expectError(await classify(locked, 'no key'), 401, 'UNAUTHORIZED');
    const wrong: Record<string, string>[] = [
      { 'x-api-key': 'nope' },
      { 'x-api-key': KEYS[0].toUpperCase() },
      { 'x-api-key': KEYS[0].slice(0, -1) },
      { authorization: `Bearer ${KEYS[1]}x` },
      { authorization: `Basic ${KEYS[0]}` },
      { authorization: KEYS[0] },
    ];
    for (const headers of wrong) {
      expectError(await classify(locked, JSON.stringify(headers), headers), 401, 'UNAUTHORIZED');
    }
    // Refused before the upload is looked at: junk without a key is 401, not 415.
    const junk = await send(locked, 'junk, no key', '/run_inference', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'junk',
    });
    expectError(junk, 401, 'UNAUTHORIZED');
    // Job lookups need a key too, so ids cannot be probed without one.
    expectError(await send(locked, 'job, no key', `/jobs/${randomUUID()}`), 401, 'UNAUTHORIZED');
    const job = await send(locked, 'job, key', `/jobs/${randomUUID()}`, {
      headers: { 'x-api-key': KEYS[0] },
    });
    expectError(job, 404, 'NOT_FOUND');
  });

  it('accepts each key, as X-Api-Key and as Authorization: Bearer', async () => {
    for (const key of KEYS) {
      const ways: Record<string, string>[] = [
        { 'x-api-key': key },
        { authorization: `Bearer ${key}` },
      ];
      for (const headers of ways) {
        const outcome = await classify(locked, JSON.stringify(headers), headers);
        expect([outcome.status, (outcome.body as ClassifyResponse).class_id]).toEqual([
          200,
          image.wnid,
        ]);
      }
    }
  });

  it('keeps the health probes open without a key', async () => {
    for (const path of ['/health/live', '/health/ready']) {
      expect((await send(locked, path, path)).status).toBe(200);
    }
  });

  it('needs no key when API_KEYS is not set', async () => {
    const outcome = await classify(open, 'open, no key');
    expect([outcome.status, (outcome.body as ClassifyResponse).class_id]).toEqual([
      200,
      image.wnid,
    ]);
  });

  it('gives an unlisted origin no Access-Control-Allow-* headers when CORS is on', async () => {
    const evil = await preflight(locked, EVIL_ORIGIN);
    expect({ status: evil.status, cors: corsHeaders(evil) }).toEqual({
      status: evil.status,
      cors: [],
    });
    const evilPost = await classify(locked, 'evil origin, key', {
      origin: EVIL_ORIGIN,
      'x-api-key': KEYS[0],
    });
    expect(evilPost.status).toBe(200);
    expect(corsHeaders(evilPost)).toEqual([]);
  });

  it('gives no origin any CORS headers when CORS_ORIGINS is not set', async () => {
    expect(corsHeaders(await preflight(open, EVIL_ORIGIN))).toEqual([]);
    expect(corsHeaders(await preflight(open, GOOD_ORIGIN))).toEqual([]);
  });

  it('allows a listed origin its own origin, and POST', async () => {
    const good = await preflight(locked, GOOD_ORIGIN);
    expect(good.status).toBeLessThan(300);
    expect(good.headers['access-control-allow-origin']).toBe(GOOD_ORIGIN);
    expect(good.headers['access-control-allow-methods']).toMatch(/POST/);
  });

  it('sends helmet headers on answers and errors, and no X-Powered-By', async () => {
    const answers = [
      await send(open, 'live', '/health/live'),
      await classify(open, 'open classify'),
      await send(open, 'unknown route', '/nope'),
      await classify(locked, 'locked, no key'),
      await send(open, 'bad type', '/run_inference', { method: 'POST', body: 'x' }),
    ];
    for (const outcome of answers) {
      expect(outcome.headers['x-content-type-options']).toBe('nosniff');
      expect(outcome.headers['content-security-policy']).toEqual(expect.any(String));
      expect(outcome.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('keeps onnxruntime’s telemetry off in the worker: no /tmp/mat-debug-<pid>.log', async () => {
    // onnxruntime-node's Linux build writes this file from its 1DS telemetry client (the one
    // that uploads to mobile.events.data.microsoft.com) unless ORT_DISABLE_TELEMETRY=1.
    const outcome = await classify(open, 'classify for telemetry check');
    expect(outcome.status).toBe(200);
    const pids = open.workers.map((worker) => worker.child.pid);
    expect(pids.every((pid) => typeof pid === 'number')).toBe(true);
    const logs = pids.filter((pid) => existsSync(`/tmp/mat-debug-${pid}.log`));
    expect(logs).toEqual([]);
  });

  it('never puts a stack trace, a path or an internal id in an error body', () => {
    expect(errors.length).toBeGreaterThan(10);
    const leaks = errors.flatMap(({ what, body, prefix }) =>
      leaksIn(body, prefix).map((leak) => `${what}: ${leak}`),
    );
    expect(leaks).toEqual([]);
    expect(errors.filter(({ body }) => !isErrorBody(body)).map(({ what }) => what)).toEqual([]);
  });
});
