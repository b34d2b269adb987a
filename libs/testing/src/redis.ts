import IORedis from 'ioredis';
import { randomUUID } from 'node:crypto';

export const TEST_REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test or stack shares: everything a test writes lives under it. */
export function testPrefix(label = 'test'): string {
  return `test-${label}-${randomUUID()}`;
}

/** Removes every key under `prefix`, so a shared Redis keeps nothing a test made. */
export async function deleteKeysWithPrefix(prefix: string, url = TEST_REDIS_URL): Promise<number> {
  const redis = new IORedis(url, { maxRetriesPerRequest: 1 });
  try {
    let deleted = 0;
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 500 })) {
      const batch = keys as string[];
      if (batch.length > 0) deleted += await redis.del(...batch);
    }
    return deleted;
  } finally {
    redis.disconnect();
  }
}

/** Fails loudly, never skips, when the Redis that integration tests need is not there. */
export async function assertRedisUp(url = TEST_REDIS_URL): Promise<void> {
  const redis = new IORedis(url, {
    maxRetriesPerRequest: 0,
    lazyConnect: true,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `integration tests need Redis at ${url} (${error instanceof Error ? error.message : String(error)}); ` +
        'start it with: redis-server --daemonize yes --save "" --appendonly no',
    );
  } finally {
    // After a refused connect the client has ended and its socket is closed: disconnect()
    // would still wait 2 s for that socket's 'close', keeping Jest alive after the tests.
    if (redis.status !== 'end') redis.disconnect();
  }
}
