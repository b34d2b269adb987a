import { useTestApi } from './testing/test-api';

/** What createApp adds around the routes: helmet's headers, CORS when listed, the docs. */
describe('createApp', () => {
  const api = useTestApi({ CORS_ORIGINS: 'https://allowed.example' });

  it("sends helmet's headers and hides the framework", async () => {
    const response = await fetch(`${api().url}/health/live`);
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('answers CORS for a listed origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${api().url}/run_inference`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    const allowed = await preflight('https://allowed.example');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://allowed.example');
    expect(allowed.headers.get('access-control-allow-methods')).toBe('GET,POST');
    const other = await preflight('https://other.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the OpenAPI document with the classify query from its contract', async () => {
    const document = (await (await fetch(`${api().url}/docs-json`)).json()) as {
      paths: Record<string, { post?: { parameters?: { name: string; in: string }[] } }>;
    };
    const parameters = document.paths['/run_inference']?.post?.parameters ?? [];
    expect(parameters.filter((p) => p.in === 'query').map((p) => p.name)).toEqual([
      'top_k',
      'mode',
    ]);
  });
});
