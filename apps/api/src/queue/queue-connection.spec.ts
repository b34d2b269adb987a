import { deleteKeysWithPrefix, freePort, TEST_REDIS_URL, testPrefix } from '@imgcls/testing';
import { Queue } from 'bullmq';
import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
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
      waitUntilReady: () => new Promise(() => undefined),
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

/** A TCP proxy to the test Redis that holds every reply back `delayMs`: a slow network. */
async function slowRedis(delayMs: number): Promise<{ url: string; close: () => Promise<void> }> {
  const { hostname, port } = new URL(TEST_REDIS_URL);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(Number(port || 6379), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => [client, upstream].forEach((end) => end.destroy()));
    }
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => setTimeout(() => client.write(chunk), delayMs));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const proxyPort = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${proxyPort}`,
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('QueueConnection shutting down while a queue starts', () => {
  it('lets the queue finish starting, so no late start-up error crashes the process', async () => {
    // With replies 200 ms late, a BullMQ 5.81 Queue is still starting 460–700 ms in: closed
    // then, it lost its last start-up error to no listener (an uncaught "Connection is closed").
    const proxy = await slowRedis(200);
    const prefix = testPrefix('closing-start');
    const uncaught: Error[] = [];
    const onUncaught = (error: Error) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const connection = new QueueConnection(loadApiConfig({ REDIS_URL: proxy.url }));
      const queue = new Queue('closing-start', { connection: connection.bullmq, prefix });
      connection.closeFirst(queue);
      await new Promise((resolve) => setTimeout(resolve, 580));
      expect(connection.redis.status).toBe('ready');
      await connection.onApplicationShutdown();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
      await proxy.close();
      await deleteKeysWithPrefix(prefix);
    }
  });
});
