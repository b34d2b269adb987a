import { poissonArrivals, seededUniform } from './poisson-arrivals';

describe('Poisson arrivals', () => {
  it('are the same for the same seed and different for another', () => {
    expect(poissonArrivals(50, 10_000, 7)).toEqual(poissonArrivals(50, 10_000, 7));
    expect(poissonArrivals(50, 10_000, 8)).not.toEqual(poissonArrivals(50, 10_000, 7));
  });

  it('come at the asked rate with exponential gaps (mean = standard deviation = 1 / rate)', () => {
    const arrivals = poissonArrivals(100, 600_000, 1); // 60 000 expected
    expect(arrivals.length).toBeGreaterThan(59_000);
    expect(arrivals.length).toBeLessThan(61_000);
    const gaps = arrivals.slice(1).map((at, i) => at - (arrivals[i] ?? 0));
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
    expect(mean).toBeCloseTo(10, 0);
    expect(sd / mean).toBeGreaterThan(0.97);
    expect(sd / mean).toBeLessThan(1.03);
    expect(arrivals.every((at, i) => at >= 0 && at < 600_000 && at >= (arrivals[i - 1] ?? 0))).toBe(
      true,
    );
  });

  it('draws uniforms in [0, 1)', () => {
    const uniform = seededUniform(42);
    const draws = Array.from({ length: 10_000 }, uniform);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(draws.reduce((a, b) => a + b, 0) / draws.length).toBeCloseTo(0.5, 1);
  });

  it('refuses a rate or duration that is not positive', () => {
    expect(() => poissonArrivals(0, 1000, 1)).toThrow(
      'open loop needs a positive rate and duration, got 0/s for 1000 ms',
    );
  });
});
