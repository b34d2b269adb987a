/** Observed extremes of one tensor over the calibration set (pass one). */
export interface Extremes {
  min: number;
  max: number;
}

export const BINS = 2048;

export function observeExtremes(values: Float32Array, into: Extremes): void {
  let { min, max } = into;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  into.min = min;
  into.max = max;
}

/** Counts of one tensor's values in BINS equal bins over its [min, max] (pass two). */
export class Histogram {
  readonly counts = new Float64Array(BINS);
  private readonly binsPerUnit: number;

  constructor(readonly extremes: Extremes) {
    const width = extremes.max - extremes.min;
    this.binsPerUnit = width > 0 ? BINS / width : 0;
  }

  add(values: Float32Array): void {
    const { counts, binsPerUnit } = this;
    const min = this.extremes.min;
    const last = BINS - 1;
    for (let i = 0; i < values.length; i++) {
      const bin = ((values[i] as number) - min) * binsPerUnit;
      const at = bin < last ? bin | 0 : last;
      counts[at] = (counts[at] as number) + 1;
    }
  }

  /** The value below which a fraction `q` of the observations lie (bin edge, interpolated). */
  quantile(q: number): number {
    const total = this.counts.reduce((a, b) => a + b, 0);
    const target = q * total;
    let seen = 0;
    for (let bin = 0; bin < BINS; bin++) {
      const count = this.counts[bin] as number;
      if (seen + count >= target && count > 0) {
        const within = (target - seen) / count;
        return this.extremes.min + (bin + within) / this.binsPerUnit;
      }
      seen += count;
    }
    return this.extremes.max;
  }
}

/** Activation range: the central `percentile`% of values, always including zero. */
export function percentileRange(histogram: Histogram, percentile: number): Extremes {
  const { min, max } = histogram.extremes;
  if (max <= min) return { min: Math.min(min, 0), max: Math.max(max, 0) };
  const tail = (1 - percentile / 100) / 2;
  const lo = min >= 0 ? min : histogram.quantile(tail);
  const hi = histogram.quantile(1 - tail);
  return { min: Math.min(lo, 0), max: Math.max(hi, 0) };
}
