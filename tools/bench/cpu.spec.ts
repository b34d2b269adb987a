import { cpuPerImage, findRedisServer, processCpuMs } from './cpu';

describe('CPU accounting', () => {
  it('reads this process’s CPU time from /proc, and sees it grow while it computes', () => {
    const before = processCpuMs(process.pid);
    expect(before).toBeGreaterThan(0);
    const until = performance.now() + 200;
    let spin = 0;
    while (performance.now() < until) spin++;
    expect(spin).toBeGreaterThan(0);
    const after = processCpuMs(process.pid) ?? NaN;
    // 200 ms of spinning, measured in 10 ms ticks, on a machine others share.
    expect(after - (before ?? NaN)).toBeGreaterThanOrEqual(100);
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
