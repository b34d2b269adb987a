import { CLASSIFY_JOB, CLASSIFY_QUEUE } from '@imgcls/contracts';
import { assertRedisUp, deleteKeysWithPrefix, TEST_REDIS_URL, testPrefix } from '@imgcls/testing';
import { Queue, QueueKeys } from 'bullmq';
import IORedis from 'ioredis';
import { find, render } from './render';

/**
 * KEDA's Redis scaler reads LLEN of `listName`. A wrong name reads 0 and never scales, and
 * nothing warns. The name must be the key BullMQ itself uses for waiting jobs.
 */
describe('the KEDA ScaledObject', () => {
  const { manifests } = render('base');
  const scaledObject = find(manifests, 'ScaledObject', 'imgcls-worker') as unknown as {
    spec: { triggers: { type: string; metadata: Record<string, string> }[] };
  };
  const trigger = scaledObject.spec.triggers.find((t) => t.type === 'redis');
  const config = find(manifests, 'ConfigMap', 'imgcls-queue') as unknown as {
    data: { QUEUE_PREFIX: string };
  };
  const queuePrefix = config.data.QUEUE_PREFIX;

  it("names BullMQ's wait list for the configured QUEUE_PREFIX and the classify queue", () => {
    expect(trigger?.metadata['listName']).toBe(
      new QueueKeys(queuePrefix).toKey(CLASSIFY_QUEUE, 'wait'),
    );
  });

  it('reaches Redis through its Service in the namespace the manifests render into', () => {
    const redis = find(manifests, 'Service', 'imgcls-redis');
    expect(trigger?.metadata['address']).toBe(
      `imgcls-redis.${redis.metadata.namespace ?? ''}.svc.cluster.local:6379`,
    );
  });

  describe('against a real Redis, with no worker running', () => {
    const prefix = testPrefix('keda');
    const connection = new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(CLASSIFY_QUEUE, { connection, prefix });

    beforeAll(() => assertRedisUp());
    afterAll(async () => {
      await queue.close();
      await deleteKeysWithPrefix(prefix);
      connection.disconnect();
    });

    it('counts every enqueued job in LLEN of that name (under a test prefix)', async () => {
      // The manifest's name with this test's prefix in place of QUEUE_PREFIX: the shared Redis
      // may hold someone's real `imgcls` queue.
      const listName = (trigger?.metadata['listName'] ?? '').replace(
        `${queuePrefix}:`,
        `${prefix}:`,
      );
      expect(listName.startsWith(`${prefix}:`)).toBe(true);
      const jobs = 5;
      for (let i = 0; i < jobs; i += 1) await queue.add(CLASSIFY_JOB, { n: i });
      expect(await connection.llen(listName)).toBe(jobs);
      expect(await queue.getWaitingCount()).toBe(jobs);
    });
  });
});
