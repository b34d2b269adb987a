import { freePort } from './free-port';
import { assertRedisUp } from './redis';

describe('assertRedisUp', () => {
  afterEach(() => jest.useRealTimers());

  it('names the URL and the fix when nothing listens, and leaves no timer behind', async () => {
    // A port that was free a moment ago: nothing listens on it.
    const url = `redis://127.0.0.1:${await freePort()}`;
    // Fake timers only count what is left pending; the refused connect is real I/O.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    await expect(assertRedisUp(url)).rejects.toThrow(
      new RegExp(`integration tests need Redis at ${url} .*start it with: redis-server`),
    );
    // A timer left pending here kept the Jest run alive after its last test.
    expect(jest.getTimerCount()).toBe(0);
  });
});
