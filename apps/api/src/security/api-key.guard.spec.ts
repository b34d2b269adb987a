import { useTestApi } from '../testing/test-api';

/** With API_KEYS set, every route but the public ones needs one of the keys. */
describe('ApiKeyGuard', () => {
  const api = useTestApi({ API_KEYS: 'first-key,second-key' });

  const status = async (path: string, headers: Record<string, string> = {}) =>
    (await fetch(`${api().url}${path}`, { headers })).status;

  it('refuses a protected route without a key or with a wrong one, with 401', async () => {
    const missing = await fetch(`${api().url}/models`);
    expect([missing.status, await missing.json()]).toEqual([
      401,
      { error: { code: 'UNAUTHORIZED', message: 'an API key is required (X-Api-Key header)' } },
    ]);
    const wrong = await fetch(`${api().url}/models`, { headers: { 'x-api-key': 'first-ke' } });
    expect([wrong.status, await wrong.json()]).toEqual([
      401,
      { error: { code: 'UNAUTHORIZED', message: 'the API key is not valid' } },
    ]);
    expect(await status('/models', { authorization: 'Basic c2Vjb25kLWtleQ==' })).toBe(401);
  });

  it('lets any listed key in, as X-Api-Key or as a bearer token', async () => {
    expect(await status('/models', { 'x-api-key': 'first-key' })).toBe(200);
    expect(await status('/models', { authorization: 'Bearer second-key' })).toBe(200);
  });

  it('keeps the probes, the page and the metrics public', async () => {
    for (const path of ['/health/live', '/', '/app.js', '/app.css', '/metrics']) {
      expect([path, await status(path)]).toEqual([path, 200]);
    }
  });
});
