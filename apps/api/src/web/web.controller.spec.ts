import { useTestApi } from '../testing/test-api';

/** The try-it page: HTML, its bundled script and its stylesheet, all same-origin. */
describe('the web page', () => {
  const api = useTestApi();

  it('serves the page, its script and its stylesheet with their types, never cached stale', async () => {
    const expected: [string, string, string][] = [
      ['/', 'text/html; charset=utf-8', '<script src="app.js"'],
      ['/app.js', 'text/javascript; charset=utf-8', 'run_inference'],
      ['/app.css', 'text/css; charset=utf-8', '{'],
    ];
    for (const [path, type, excerpt] of expected) {
      const response = await fetch(`${api().url}${path}`);
      const text = await response.text();
      expect([path, response.status, response.headers.get('content-type')]).toEqual([
        path,
        200,
        type,
      ]);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(text).toContain(excerpt);
    }
  });
});
