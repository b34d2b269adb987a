import { readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { niceByThread, processCpuMs, threadStats } from './proc-stat';

describe('/proc stat', () => {
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

  it("reads each thread's nice value: the main thread's is this process's own", () => {
    const nice = niceByThread(process.pid);
    expect(nice.get(process.pid)).toBe(getPriority());
    expect(nice.size).toBeGreaterThan(1); // libuv's pool or V8's helpers beside it
  });

  it('reads each thread’s name and CPU time: a worker thread that computes is seen apart', async () => {
    const before = new Set(threadStats(process.pid).map(({ tid }) => tid));
    // The thread spins for 300 ms of wall time, says so, then waits to be terminated.
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       const until = Date.now() + 300; while (Date.now() < until);
       parentPort.postMessage('spun'); setInterval(() => {}, 1000);`,
      { eval: true },
    );
    await new Promise((resolve) => worker.once('message', resolve));
    try {
      const threads = threadStats(process.pid);
      const main = threads.find(({ tid }) => tid === process.pid);
      expect(main?.name).toBe(readFileSync('/proc/self/comm', 'utf8').trim());
      expect(main?.cpuMs).toBeGreaterThan(0);
      // The worker's own thread and the helpers it started are the new ones; it spun.
      const started = threads.filter(({ tid }) => !before.has(tid));
      expect(Math.max(...started.map(({ cpuMs }) => cpuMs))).toBeGreaterThanOrEqual(50);
    } finally {
      await worker.terminate();
    }
  });
});
