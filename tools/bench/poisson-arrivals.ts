/**
 * Arrival times of a Poisson process: independent exponential gaps with mean 1 / rate, from a
 * seeded generator, so that the same rate, duration and seed always give the same schedule and
 * two servers (or two runs) face exactly the same arrivals.
 */

/** mulberry32: a small, fast, well-mixed 32-bit generator; uniform in [0, 1). */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Milliseconds from the start at which each request is sent, all before `durationMs`. */
export function poissonArrivals(ratePerS: number, durationMs: number, seed: number): number[] {
  if (!(ratePerS > 0) || !(durationMs > 0)) {
    throw new Error(
      `open loop needs a positive rate and duration, got ${ratePerS}/s for ${durationMs} ms`,
    );
  }
  const uniform = seededUniform(seed);
  const meanGapMs = 1000 / ratePerS;
  const arrivals: number[] = [];
  for (let atMs = -Math.log(1 - uniform()) * meanGapMs; atMs < durationMs;) {
    arrivals.push(atMs);
    atMs += -Math.log(1 - uniform()) * meanGapMs;
  }
  return arrivals;
}
