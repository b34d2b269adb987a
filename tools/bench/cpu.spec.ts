import { cpuPerImage, findRedisServer, processCpuMs } from './cpu';

describe('CPU accounting', () => {
  it('reads this process’s CPU time from /proc, and sees it grow while it computes', () => {
    const before = processCpuMs(process.pid) ?? NaN;
    expect(before).toBeGreaterThan(0);
    // Spin until 100 ms of CPU (10 ms ticks) have been charged: on a shared machine 200 ms of
    // wall time can bring far less, so the bound is on CPU, with a generous wall-clock cap.
    const deadline = performance.now() + 20_000;
    let after = before;
    while (after - before < 100 && performance.now() < deadline) {
      const until = performance.now() + 20;
      while (performance.now() < until);
      after = processCpuMs(process.pid) ?? NaN;
    }
    expect(after - before).toBeGreaterThanOrEqual(100);
  });

  it('has nothing to say of a process that does not exist', () => {
    expect(processCpuMs(2 ** 22 + 7)).toBeUndefined();
  });

  it('finds the Redis server the tests use', () => {
    expect(findRedisServer()?.label).toBe('redis');
  });

  it('divides each process’s CPU in the window by the images, and names the core time left', () => {
    const before = new Map([
      ['api', 1_000],
      ['workers', 5_000],
    ]);
    const after = new Map([
      ['api', 1_300],
      ['workers', 8_700],
      ['late', 50], // started inside the window: no start to measure from
    ]);
    const share = cpuPerImage(before, after, 100, 2_000, 2);
    expect(share).toEqual({
      byProcess: { api: 3, workers: 37 },
      totalMs: 40,
      unaccountedMs: 0, // 2 cores × 2 s / 100 images = 40 ms of core time per image
    });
    expect(cpuPerImage(before, after, 0, 2_000, 2)).toBeUndefined();
  });
});
