import type { CeilingResult } from './ceiling';
import type { CellResult } from './load';
import type { BenchResults } from './results';
import { checkTargets } from './targets';

const layout = (processes: number, imgPerS: number, runP50Ms: number): CeilingResult => ({
  label: `${processes} proc × 1 thr, batch 1`,
  processes,
  threads: 1,
  batch: 1,
  imgPerS,
  runP50Ms,
});

interface Probe {
  imgPerS: number;
  runP50Ms: number;
}

const cell = (input: string, concurrency: number, imgPerS: number, probe?: Probe): CellResult => ({
  input,
  concurrency,
  completed: 100,
  imgPerS,
  p50Ms: concurrency === 1 ? 42 : 100,
  p90Ms: 110,
  p99Ms: 120,
  errors: 0,
  errorKinds: {},
  errorExamples: {},
  loadAverage: 1,
  correct: 100,
  ceilingNowImgPerS: probe?.imgPerS,
  ceilingNowRunP50Ms: probe?.runP50Ms,
});

/** A run: the start's ceiling (2 processes) and 1-process latency, and one probe before each cell. */
function results(start: Probe, singleMs: number, probe: Probe | undefined, photos16: number) {
  const best = layout(2, start.imgPerS, start.runP50Ms);
  const run: BenchResults = {
    ceiling: { layouts: [best, layout(1, start.imgPerS / 2, singleMs)], best },
    stacks: [
      {
        label: 'stack',
        layout: { workers: 1 },
        cells: [
          cell('photos', 1, 20, probe),
          cell('photos', 16, photos16, probe),
          cell('12mp', 16, 10, probe),
        ],
      },
    ],
    baseline: { skipped: 'not in this test' },
  };
  return run;
}

const target = (r: BenchResults, id: string) => checkTargets(r).find((t) => t.id.startsWith(id));
const photoThroughput = (r: BenchResults) => target(r, 'photo-throughput:');

describe('the ceiling targets photo-throughput and 12mp-throughput are judged against', () => {
  it('the ceiling re-measured right before the cell, when the machine was busy then', () => {
    const check = photoThroughput(
      results({ imgPerS: 58, runP50Ms: 34 }, 34, { imgPerS: 50, runP50Ms: 38 }, 43),
    );
    expect(check?.pass).toBe(true); // 43 ≥ 0.85 × 50, though 43 < 0.85 × 58
    expect(check?.detail).toBe(
      '43.0 img/s = 86% of 50.0 (the ceiling measured right before this group; 58.0 at the start)',
    );
  });

  it('the same re-measurement when it is higher than the start’s', () => {
    const check = photoThroughput(
      results({ imgPerS: 50, runP50Ms: 38 }, 36, { imgPerS: 58, runP50Ms: 33 }, 43),
    );
    expect(check?.pass).toBe(false); // 43 < 0.85 × 58
    expect(check?.detail).toContain('74% of 58.0 (the ceiling measured right before this group');
  });

  it('the start’s ceiling when nothing was re-measured', () => {
    const check = photoThroughput(results({ imgPerS: 50, runP50Ms: 34 }, 34, undefined, 43));
    expect(check?.detail).toBe('43.0 img/s = 86% of 50.0 (the ceiling measured at the start)');
  });
});

describe('single-request-overhead adds its 8 ms to', () => {
  it('the one-process latency from the start when nothing was re-measured', () => {
    const check = target(
      results({ imgPerS: 58, runP50Ms: 34 }, 33, undefined, 43),
      'single-request-overhead:',
    );
    expect(check?.pass).toBe(false); // 42 > 33 + 8
    expect(check?.detail).toBe('42.0 ms vs 33.0 ms (1 thr, at the start) + 8 ms; overhead 9.0 ms');
  });

  it('the batch-1 run time re-measured right before the cell, when the best layout is one process', () => {
    const run = results({ imgPerS: 58, runP50Ms: 33 }, 33, { imgPerS: 50, runP50Ms: 36 }, 43);
    run.ceiling.best = { ...run.ceiling.best, processes: 1 };
    const check = target(run, 'single-request-overhead:');
    expect(check?.pass).toBe(true); // 42 ≤ 36 + 8, though 42 > 33 + 8
    expect(check?.detail).toContain('vs 36.0 ms (1 thr, right before this group)');
  });

  it('the start’s one-process latency when the best layout runs two processes at once', () => {
    const run = results({ imgPerS: 58, runP50Ms: 33 }, 33, { imgPerS: 50, runP50Ms: 37 }, 43);
    const check = target(run, 'single-request-overhead:');
    expect(check?.pass).toBe(false); // 42 > 33 + 8: two processes' run time is not one's latency
    expect(check?.detail).toContain('vs 33.0 ms (1 thr, at the start)');
  });
});
