import { eventually } from './support/concurrency';
import { classifySync, photo } from './support/jobs';
import { PrivateRedis } from './support/private-redis';
import { startStack, type Stack } from './support/stack';

describe('a Redis outage', () => {
  let redis: PrivateRedis;
  let stack: Stack;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    stack = await startStack({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await stack?.stop();
    await redis?.stop();
  });

  it('gets 503 with Retry-After at once, and recovers without restarting anything', async () => {
    const { bytes, wnid } = await photo(3);
    expect((await classifySync(stack.url, bytes)).status).toBe(200);

    await redis.stop();
    const started = Date.now();
    const refused = await fetch(`${stack.url}/run_inference`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg' },
      body: bytes,
    });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
    expect((await fetch(`${stack.url}/health/ready`)).status).toBe(503);
    expect((await fetch(`${stack.url}/health/live`)).status).toBe(200);

    await redis.start();
    const recovered = await eventually('a request succeeds again', 30_000, async () => {
      const answer = await classifySync(stack.url, bytes);
      return answer.status === 200 ? answer : undefined;
    });
    expect(recovered.body.class_id).toBe(wnid);
    // Ready again once the worker's next heartbeat lands in the new Redis.
    await eventually('ready again', 10_000, async () =>
      (await fetch(`${stack.url}/health/ready`)).status === 200 ? true : undefined,
    );
    expect(stack.api.running && stack.workers.every((w) => w.running)).toBe(true);
  });
});
