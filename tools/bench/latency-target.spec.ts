import { benchResults, findTarget } from './bench-results-fixture';
import type { BenchResults } from './results';

const overhead = (r: BenchResults) => findTarget(r, 'single-request-overhead:');

// Every run here has a photos c=1 p50 of 42 ms.
describe('single-request-overhead: photos c=1 p50 ≤ the model’s batch-1 latency + 5 ms', () => {
  it('passes 42 ms against a 37 ms model and fails it against 36 ms, which 8 ms would pass', () => {
    const pass = overhead(benchResults({ imgPerS: 58, runP50Ms: 34 }, 37, undefined, 43));
    expect(pass?.pass).toBe(true); // 42 ≤ 37 + 5
    expect(pass?.id).toBe('single-request-overhead: photos c=1 p50 ≤ model batch-1 latency + 5 ms');
    const fail = overhead(benchResults({ imgPerS: 58, runP50Ms: 34 }, 36, undefined, 43));
    expect(fail?.pass).toBe(false); // 42 > 36 + 5
    expect(fail?.detail).toBe('42.0 ms vs 36.0 ms (1 thr, at the start) + 5 ms; overhead 6.0 ms');
  });

  it('adds them to the batch-1 run time re-measured right before the cell, when the best layout is one process', () => {
    const run = benchResults({ imgPerS: 58, runP50Ms: 33 }, 33, { imgPerS: 50, runP50Ms: 38 }, 43);
    run.ceiling.best = { ...run.ceiling.best, processes: 1 };
    const check = overhead(run);
    expect(check?.pass).toBe(true); // 42 ≤ 38 + 5, though 42 > 33 + 5
    expect(check?.detail).toContain('vs 38.0 ms (1 thr, right before this group)');
  });

  it('adds them to the start’s one-process latency when the best layout runs two processes at once', () => {
    const run = benchResults({ imgPerS: 58, runP50Ms: 33 }, 33, { imgPerS: 50, runP50Ms: 38 }, 43);
    const check = overhead(run);
    expect(check?.pass).toBe(false); // 42 > 33 + 5: two processes' run time is not one's latency
    expect(check?.detail).toContain('vs 33.0 ms (1 thr, at the start)');
  });
});
