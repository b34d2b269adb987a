import { CpuWindow, cpuPerImage, cpuSnapshot, findRedisServer, threadKind } from './cpu';

describe('CPU accounting', () => {
  it('finds the Redis server the tests use', () => {
    expect(findRedisServer()?.label).toBe('redis');
  });

  it('divides each process’s CPU in the window by the images, and names the core time left', () => {
    const before = {
      processes: new Map([
        ['api', 1_000],
        ['workers', 5_000],
      ]),
      threads: new Map([
        ['7/7', { kind: 'workers main', ms: 1_000 }],
        ['7/8', { kind: 'workers model', ms: 3_000 }],
        ['7/9', { kind: 'workers model', ms: 1_000 }],
        ['7/10', { kind: 'workers decoder', ms: 900 }], // ends inside the window
      ]),
    };
    const after = {
      processes: new Map([
        ['api', 1_300],
        ['workers', 8_700],
        ['late', 50], // started inside the window: no start to measure from
      ]),
      threads: new Map([
        ['7/7', { kind: 'workers main', ms: 1_500 }],
        ['7/8', { kind: 'workers model', ms: 4_600 }],
        ['7/9', { kind: 'workers model', ms: 2_600 }],
        ['7/11', { kind: 'workers decoder', ms: 200 }], // starts inside it: counts from zero
      ]),
    };
    const share = cpuPerImage(before, after, 100, 2_000, 2);
    expect(share).toEqual({
      byProcess: { api: 3, workers: 37 },
      byThread: { 'workers main': 5, 'workers model': 32, 'workers decoder': 2 },
      totalMs: 40,
      unaccountedMs: 0, // 2 cores × 2 s / 100 images = 40 ms of core time per image
    });
    expect(cpuPerImage(before, after, 0, 2_000, 2)).toBeUndefined();
  });

  it('tells the main thread, libvips’ threads and the threads above main’s nice value apart', () => {
    const main = { tid: 10, name: 'node', nice: 0, cpuMs: 5 };
    const kind = (name: string, nice: number) =>
      threadKind({ tid: 11, name, nice, cpuMs: 1 }, main);
    expect(threadKind(main, main)).toBe('main');
    expect(kind('libvips worker', 0)).toBe('decoder');
    expect(kind('node', 10)).toBe('model');
    expect(kind('node', 0)).toBe('other');
  });

  it('snapshots the threads of a live process by kind: this one has a main thread and helpers', () => {
    const snapshot = cpuSnapshot([{ label: 'self', pid: process.pid, byThread: true }]);
    const kinds = [...snapshot.threads.values()].map(({ kind }) => kind);
    expect(kinds).toContain('self main');
    expect(kinds).toContain('self other');
    expect(snapshot.threads.get(`${process.pid}/${process.pid}`)?.kind).toBe('self main');
    const sum = [...snapshot.threads.values()].reduce((total, { ms }) => total + ms, 0);
    expect(sum).toBeLessThanOrEqual((snapshot.processes.get('self') ?? 0) + 20);
  });

  it('charges a window’s CPU to its images, the load generator (this process) included', () => {
    const window = new CpuWindow({ cores: 2 });
    const start = process.cpuUsage();
    const burnedMs = () => {
      const { user, system } = process.cpuUsage(start);
      return (user + system) / 1000;
    };
    while (burnedMs() < 200); // 200 ms of this process's CPU, however long a busy machine takes
    expect(window.perImage(4)).toBeUndefined(); // not closed yet
    window.close();
    const share = window.perImage(4);
    expect(Object.keys(share?.byProcess ?? {})).toEqual(['load generator']);
    // 50 ms per image, to within /proc's 10 ms ticks and V8's own helper threads.
    expect(share?.byProcess['load generator']).toBeGreaterThanOrEqual(45);
    expect(share?.byProcess['load generator']).toBeLessThanOrEqual(75);
    expect(share?.unaccountedMs).toBeGreaterThan(0); // the second core's time, not this process's
  });
});
