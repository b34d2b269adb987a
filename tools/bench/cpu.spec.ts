import { cpuPerImage, findRedisServer } from './cpu';

describe('CPU accounting', () => {
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
