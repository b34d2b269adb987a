import { createServer } from 'node:net';
import { assertRedisUp } from './redis';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('assertRedisUp', () => {
  afterEach(() => jest.useRealTimers());

  it('names the URL and the fix when nothing listens, and leaves no timer behind', async () => {
    const url = `redis://127.0.0.1:${await closedPort()}`;
    // Fake timers only count what is left pending; the refused connect is real I/O.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    await expect(assertRedisUp(url)).rejects.toThrow(
      new RegExp(`integration tests need Redis at ${url} .*start it with: redis-server`),
    );
    // A timer left pending here kept the Jest run alive after its last test.
    expect(jest.getTimerCount()).toBe(0);
  });
});
