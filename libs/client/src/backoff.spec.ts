import { parseRetryAfterMs } from './api-error';
import { pollDelayMs, sleep } from './backoff';

describe('pollDelayMs', () => {
  const options = { initialDelayMs: 100, maxDelayMs: 1_000 };

  it('doubles from the initial delay up to the cap, jittered between half and all of it', () => {
    expect([0, 1, 2, 3, 4, 10].map((attempt) => pollDelayMs(attempt, options, () => 1))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
    expect([0, 1, 4].map((attempt) => pollDelayMs(attempt, options, () => 0))).toEqual([
      50, 100, 500,
    ]);
    expect(pollDelayMs(1, options, () => 0.5)).toBe(150);
  });
});

describe('parseRetryAfterMs', () => {
  it('reads seconds and HTTP dates, and nothing else', () => {
    expect(parseRetryAfterMs('3')).toBe(3_000);
    expect(parseRetryAfterMs('Thu, 01 Jan 2037 00:00:10 GMT', Date.UTC(2037, 0, 1))).toBe(10_000);
    expect(parseRetryAfterMs('Thu, 01 Jan 2037 00:00:10 GMT', Date.UTC(2038, 0, 1))).toBe(0);
    expect(parseRetryAfterMs(null)).toBeUndefined();
    expect(parseRetryAfterMs('soon')).toBeUndefined();
    expect(parseRetryAfterMs('-1')).toBeUndefined();
  });
});

describe('sleep', () => {
  it('rejects with the abort reason', async () => {
    const controller = new AbortController();
    const slept = sleep(10_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(slept).rejects.toThrow('stop');
  });
});
