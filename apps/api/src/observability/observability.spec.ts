import { useTestApi } from '../testing/test-api';

/** Each request is counted, timed and tagged with an id; Prometheus reads it at /metrics. */
describe('request ids and metrics', () => {
  const api = useTestApi();

  it('echoes a sane X-Request-Id and replaces an insane one with a UUID', async () => {
    const sane = await fetch(`${api().url}/health/live`, {
      headers: { 'x-request-id': 'abc-1.2:3' },
    });
    expect(sane.headers.get('x-request-id')).toBe('abc-1.2:3');
    const insane = await fetch(`${api().url}/health/live`, { headers: { 'x-request-id': 'a b' } });
    expect(insane.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('counts requests by route and status, refusals by code, and reads the queue depth', async () => {
    await fetch(`${api().url}/jobs/not-a-uuid`);
    await fetch(`${api().url}/no/such/route`);
    const response = await fetch(`${api().url}/metrics`);
    const text = await response.text();
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text).toMatch(
      /imgcls_api_requests_total\{route="\/health\/live",method="GET",status="200"\} [1-9]/,
    );
    expect(text).toMatch(/imgcls_api_rejections_total\{code="NOT_FOUND"\} 2/);
    expect(text).toMatch(
      /imgcls_api_requests_total\{route="unmatched",method="GET",status="404"\} 1/,
    );
    expect(text).toMatch(/^imgcls_api_queue_depth 0$/m);
    expect(text).toContain('imgcls_api_request_duration_seconds_bucket');
  });
});
