import { workerRegistryKeys } from '@imgcls/contracts';
import { announceStandInWorker } from '@imgcls/testing';
import IORedis from 'ioredis';
import { openQueueStack, type QueueStack } from '../testing/queue-stack';

describe('WorkerRegistry', () => {
  let stack: QueueStack;

  beforeAll(async () => {
    stack = await openQueueStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  it('lists the live workers, drops the expired ones and skips what is not a heartbeat', async () => {
    expect(await stack.registry.workers()).toEqual([]);
    const prefix = stack.config.queuePrefix;
    await announceStandInWorker(prefix);
    const { expiries, beats } = workerRegistryKeys(prefix);
    const redis = new IORedis(stack.config.redisUrl);
    try {
      // An entry that is not a heartbeat, and one whose expiry has passed.
      await redis.zadd(expiries, Date.now() + 60_000, 'junk', 1, 'expired');
      await redis.hset(beats, 'junk', '{"worker_id": 1', 'expired', '{}');
      const live = await stack.registry.workers();
      expect(live.map((beat) => beat.worker_id)).toEqual(['test:stand-in']);
      expect(await redis.hexists(beats, 'expired')).toBe(0);
    } finally {
      redis.disconnect();
    }
  });
});
