import { eventually } from './support/concurrency';
import { classifySync, photo } from './support/jobs';
import { parsePrometheus, total } from './support/prometheus';
import { startStack, type Stack } from './support/stack';

const HEARTBEAT = { HEARTBEAT_INTERVAL_MS: '500', HEARTBEAT_TTL_MS: '2000' };

describe('health, models, metrics and logs', () => {
  let stack: Stack;
  const ready = async () => (await fetch(`${stack.url}/health/ready`)).status;

  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: HEARTBEAT });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('is ready only while a worker with its model is alive', async () => {
    expect(await ready()).toBe(503);
    const started = Date.now();
    const worker = await stack.startWorker();
    await eventually('ready', 5_000, async () => ((await ready()) === 200 ? true : undefined));
    expect(Date.now() - started).toBeLessThan(5_000 + 5_000); // the model load, then ≤ 5 s
    const body = (await (await fetch(`${stack.url}/health/ready`)).json()) as { workers: number };
    expect(body.workers).toBe(1);

    worker.child.kill('SIGKILL');
    await worker.exited;
    const killed = Date.now();
    await eventually('not ready', 5_000, async () => ((await ready()) === 503 ? true : undefined));
    expect(Date.now() - killed).toBeLessThanOrEqual(2_000 + 1_000); // the heartbeat TTL, and a beat
    await stack.startWorker();
    await eventually('ready again', 5_000, async () =>
      (await ready()) === 200 ? true : undefined,
    );
  });

  it('lists the loaded model with its metadata', async () => {
    const response = await fetch(`${stack.url}/models`);
    expect(response.status).toBe(200);
    const { models } = (await response.json()) as { models: Record<string, unknown>[] };
    expect(models).toEqual([
      expect.objectContaining({
        name: 'densenet121-synthetic',
        test_model: true,
        input: { name: 'input', shape: ['N', 3, 224, 224] },
        classes: 1000,
        source: null,
        sha256: 'f39b3e5e3e0303228afaf745d1243bf30dcf62afb560b3c3d8c0491abe4f37e6',
        workers: 1,
      }),
    ]);
  });

  it('counts traffic in Prometheus text on the api and the worker', async () => {
    for (let i = 0; i < 3; i++)
      expect((await classifySync(stack.url, (await photo(i)).bytes)).status).toBe(200);
    await fetch(`${stack.url}/run_inference`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });

    const api = parsePrometheus(await (await fetch(`${stack.url}/metrics`)).text());
    expect(
      total(api, 'imgcls_api_requests_total', { route: '/run_inference', status: '200' }),
    ).toBeGreaterThanOrEqual(3);
    expect(
      total(api, 'imgcls_api_request_duration_seconds_count', { route: '/run_inference' }),
    ).toBeGreaterThanOrEqual(4);
    expect(total(api, 'imgcls_api_rejections_total', { code: 'UNSUPPORTED_MEDIA_TYPE' })).toBe(1);
    expect(api.some((s) => s.name === 'imgcls_api_queue_depth')).toBe(true);

    const worker = stack.workers.at(-1);
    const metricsUrl = String(worker?.logEntries('worker ready')[0]?.['metrics_url']);
    const samples = parsePrometheus(await (await fetch(metricsUrl)).text());
    expect(total(samples, 'imgcls_worker_jobs_total', { outcome: 'succeeded' })).toBe(3);
    for (const histogram of ['queue_wait', 'preprocess', 'inference']) {
      expect(total(samples, `imgcls_worker_${histogram}_seconds_count`)).toBe(3);
      expect(total(samples, `imgcls_worker_${histogram}_seconds_sum`)).toBeGreaterThan(0);
    }
    expect(total(samples, 'imgcls_worker_batch_size_count')).toBe(3);
  });

  it("logs one JSON line per request whose request id is on the worker's line for the job", async () => {
    const response = await fetch(`${stack.url}/run_inference`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg', 'x-request-id': 'trace-e2e-42' },
      body: (await photo(5)).bytes,
    });
    expect(response.headers.get('x-request-id')).toBe('trace-e2e-42');
    const { job_id } = (await response.json()) as { job_id: string };
    const apiLine = await eventually('the api line', 2_000, () =>
      stack.api.logEntries('request').find((entry) => entry['request_id'] === 'trace-e2e-42'),
    );
    expect(apiLine).toMatchObject({ method: 'POST', path: '/run_inference', status: 200, job_id });
    const workerLine = await eventually('the worker line', 2_000, () =>
      stack.workers
        .flatMap((w) => w.logEntries('job succeeded'))
        .find((entry) => entry['job_id'] === job_id),
    );
    expect(workerLine['request_id']).toBe('trace-e2e-42');
  });
});
