import { benchResults, findTarget } from './bench-results-fixture';
import type { BenchResults } from './results';

const INT8 = { cores: 2, quantizedFrom: 'densenet121-synthetic' };
const photoThroughput = (r: BenchResults) => findTarget(r, 'photo-throughput:');

describe('the ceiling targets photo-throughput and 12mp-throughput are judged against', () => {
  it('the ceiling re-measured right before the cell, when the machine was busy then', () => {
    const check = photoThroughput(
      benchResults({ imgPerS: 58, runP50Ms: 34 }, 34, { imgPerS: 50, runP50Ms: 38 }, 43),
    );
    expect(check?.pass).toBe(true); // 43 ≥ 0.85 × 50, though 43 < 0.85 × 58
    expect(check?.detail).toBe(
      '43.0 img/s = 86% of 50.0 (the ceiling measured right before this group; 58.0 at the start)',
    );
  });

  it('the same re-measurement when it is higher than the start’s', () => {
    const check = photoThroughput(
      benchResults({ imgPerS: 50, runP50Ms: 38 }, 36, { imgPerS: 58, runP50Ms: 33 }, 43),
    );
    expect(check?.pass).toBe(false); // 43 < 0.85 × 58
    expect(check?.detail).toContain('74% of 58.0 (the ceiling measured right before this group');
  });

  it('the start’s ceiling when nothing was re-measured', () => {
    const check = photoThroughput(benchResults({ imgPerS: 50, runP50Ms: 34 }, 34, undefined, 43));
    expect(check?.detail).toBe('43.0 img/s = 86% of 50.0 (the ceiling measured at the start)');
  });
});

describe('photo-throughput asks 85% of the ceiling of an fp32 model and 75% of an INT8 one', () => {
  const run = (photos16: number) =>
    benchResults({ imgPerS: 50, runP50Ms: 20 }, 20, undefined, photos16);

  it('passes an INT8 model at 78% of its ceiling, which an fp32 model fails', () => {
    const int8 = findTarget(run(39), 'photo-throughput:', INT8);
    expect(int8?.pass).toBe(true); // 39 ≥ 0.75 × 50
    expect(int8?.id).toBe('photo-throughput: photos c=16 img/s ≥ 75% of ceiling (INT8 model)');
    const fp32 = photoThroughput(run(39));
    expect(fp32?.pass).toBe(false); // 39 < 0.85 × 50
    expect(fp32?.id).toBe('photo-throughput: photos c=16 img/s ≥ 85% of ceiling (fp32 model)');
  });

  it('fails an INT8 model at 72% of its ceiling', () => {
    const check = findTarget(run(36), 'photo-throughput:', INT8);
    expect(check?.pass).toBe(false); // 36 < 0.75 × 50
    expect(check?.detail).toBe('36.0 img/s = 72% of 50.0 (the ceiling measured at the start)');
  });
});

describe('speedup-over-baseline asks 3.5× the Flask + PyTorch baseline for fp32, 4.5× for INT8', () => {
  const run = (photos16: number, baseline?: number) =>
    benchResults({ imgPerS: 58, runP50Ms: 34 }, 34, undefined, photos16, baseline);

  it('passes an fp32 stack 4× the baseline, which an INT8 stack fails', () => {
    const fp32 = findTarget(run(40, 10), 'speedup-over-baseline:');
    expect(fp32?.pass).toBe(true); // 40 ≥ 3.5 × 10
    expect(fp32?.id).toBe('speedup-over-baseline: photos c=16 img/s ≥ 3.5× baseline (fp32 model)');
    const int8 = findTarget(run(40, 10), 'speedup-over-baseline:', INT8);
    expect(int8?.pass).toBe(false); // 40 < 4.5 × 10
    expect(int8?.detail).toBe('40.0 vs 10.0 img/s = 4.00×');
  });

  it('passes an INT8 stack 4.6× the baseline, which ran the fp32 model it came from', () => {
    const check = findTarget(run(46, 10), 'speedup-over-baseline:', INT8);
    expect(check?.pass).toBe(true); // 46 ≥ 4.5 × 10
    expect(check?.id).toBe(
      'speedup-over-baseline: photos c=16 img/s ≥ 4.5× baseline (INT8 model, baseline on fp32 densenet121-synthetic)',
    );
  });

  it('is not judged without a baseline', () => {
    expect(findTarget(run(46), 'speedup-over-baseline:', INT8)?.pass).toBeUndefined();
  });
});
