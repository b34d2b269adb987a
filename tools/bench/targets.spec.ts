import type { CeilingResult } from './ceiling';
import type { CellResult } from './load';
import type { BenchResults } from './results';
import { checkTargets } from './targets';

const layout = (imgPerS: number): CeilingResult => ({
  label: '2 proc × 1 thr, batch 1',
  processes: 2,
  threads: 1,
  batch: 1,
  imgPerS,
  runP50Ms: 40,
});

const cell = (input: string, concurrency: number, imgPerS: number, now?: number): CellResult => ({
  input,
  concurrency,
  completed: 100,
  imgPerS,
  p50Ms: 100,
  p90Ms: 110,
  p99Ms: 120,
  errors: 0,
  errorKinds: {},
  errorExamples: {},
  loadAverage: 1,
  correct: 100,
  ceilingNowImgPerS: now,
});

function results(startCeiling: number, probe: number | undefined, photos16: number): BenchResults {
  const best = layout(startCeiling);
  return {
    ceiling: { layouts: [best], best },
    stacks: [
      {
        label: 'stack',
        layout: { workers: 1 },
        cells: [cell('photos', 16, photos16, probe), cell('12mp', 16, 10, probe)],
      },
    ],
    baseline: { skipped: 'not in this test' },
  };
}

const targetA = (r: BenchResults) => checkTargets(r).find((t) => t.id.startsWith('(a)'));

describe('the ceiling targets (a) and (d) are judged against', () => {
  it('the start ceiling when no re-measurement was higher', () => {
    const check = targetA(results(50, 48, 43));
    expect(check?.pass).toBe(true); // 43 ≥ 0.85 × 50
    expect(check?.detail).toContain('86% of 50.0 (the highest ceiling measured: at the start)');
  });

  it('a higher re-measurement before a group, when the start was slowed by other load', () => {
    const check = targetA(results(50, 58, 43));
    expect(check?.pass).toBe(false); // 43 < 0.85 × 58
    expect(check?.detail).toContain('74% of 58.0 (the highest ceiling measured: before a group');
  });
});
