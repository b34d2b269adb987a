/** The q-quantile (0..1) of `values` by the nearest-rank method; NaN when there are none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? NaN;
}

export interface LatencySummary {
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
}

export function summariseLatency(latenciesMs: readonly number[]): LatencySummary {
  return {
    p50Ms: quantile(latenciesMs, 0.5),
    p90Ms: quantile(latenciesMs, 0.9),
    p99Ms: quantile(latenciesMs, 0.99),
  };
}

/** `a / b`, or NaN when either side is missing, so a ratio to an absent baseline prints as "—". */
export function ratio(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) {
    return NaN;
  }
  return a / b;
}
