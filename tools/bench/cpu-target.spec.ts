import { benchResults, findTarget, withPhotoCpu } from './bench-results-fixture';
import type { BenchResults } from './results';

/** A ceiling of `imgPerS` on 2 cores: the model's share is 2000 / imgPerS ms of CPU per image. */
const run = (imgPerS: number, byProcess: Record<string, number>): BenchResults =>
  withPhotoCpu(benchResults({ imgPerS, runP50Ms: 34 }, 34, undefined, 40), byProcess);
const outside = (r: BenchResults) => findTarget(r, 'cpu-outside-model:');

describe('cpu-outside-model: api + redis + workers less the model’s cores / ceiling ≤ 6 ms', () => {
  it('passes 5.3 ms, leaving the load generator out of the sum', () => {
    const check = outside(
      run(58, { api: 2, redis: 0.8, workers: 37, 'load generator': 3 }), // 39.8 − 34.5
    );
    expect(check?.pass).toBe(true);
    expect(check?.detail).toBe(
      'api 2.0 + redis 0.8 + workers 37.0 − model 34.5 (2 cores / 58.0 img/s, ' +
        '2 proc × 1 thr, batch 1 at the start) = 5.3 ms per image; load generator 3.0 not counted',
    );
  });

  it('says how much of the workers’ CPU their model threads took, where it was measured', () => {
    const measured = run(58, { api: 2, redis: 0.8, workers: 37 });
    const [stack] = measured.stacks;
    const cell = stack?.cells.find((c) => c.cpu !== undefined);
    if (cell?.cpu) cell.cpu.byThread = { 'workers model': 35.2, 'workers main': 1.8 };
    expect(outside(measured)?.detail).toContain(
      "(the workers' model threads took 35.2 of the workers' 37.0)",
    );
  });

  it('fails the fp32 stack issue 11 started from: about 12 ms', () => {
    const check = outside(run(57, { api: 4.6, redis: 1.4, workers: 41.1, 'load generator': 1.4 }));
    expect(check?.pass).toBe(false); // 47.1 − 2000 / 57
    expect(check?.detail).toContain('= 12.0 ms per image');
  });

  it('is not judged when a process of the serving path was not measured', () => {
    const check = outside(run(58, { api: 2, workers: 37 }));
    expect(check?.pass).toBeUndefined();
    expect(check?.detail).toBe('no CPU figure for redis (no /proc?)');
  });
});
