import { freePort } from '@imgcls/testing';
import { once } from 'node:events';
import { loadApiConfig } from '../config';
import { testApiConfig } from '../testing/test-config';
import { QueueConnection } from './queue-connection';

/** With Redis away, every call fails at once with a code, and shutting down does not hang. */
describe('QueueConnection with Redis away', () => {
  it('answers UNAVAILABLE at once, pings false, and closes its clients without waiting', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const connection = new QueueConnection(loadApiConfig({ REDIS_URL: url }));
    let called = false;
    await expect(
      connection.call('read job', () => {
        called = true;
        return Promise.resolve(1);
      }),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(called).toBe(false);
    expect(await connection.ping()).toBe(false);
    let closeAsked = false;
    // A client whose close would never end, as BullMQ's may while Redis is away.
    connection.closeFirst({
      close: () => {
        closeAsked = true;
        return new Promise<void>(() => undefined);
      },
    });
    await connection.onApplicationShutdown();
    expect(closeAsked).toBe(true);
    // The connection ends (Jest would wait on it otherwise), though the client never closed.
    if (connection.redis.status !== 'end') await once(connection.redis, 'end');
  });
});

describe('QueueConnection with Redis up', () => {
  it('maps a failing command to its code, and a refused write at maxmemory to QUEUE_FULL', async () => {
    const connection = new QueueConnection(testApiConfig('connection'));
    await new Promise((resolve) => connection.redis.once('ready', resolve));
    try {
      expect(await connection.ping()).toBe(true);
      await expect(
        connection.call('bad command', () => connection.redis.call('NO-SUCH-COMMAND')),
      ).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      await expect(
        connection.call('write', () => Promise.reject(new Error('OOM command not allowed'))),
      ).rejects.toMatchObject({ code: 'QUEUE_FULL' });
    } finally {
      await connection.onApplicationShutdown();
    }
  });
});
