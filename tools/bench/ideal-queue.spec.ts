import { idealLatenciesMs } from './ideal-queue';
import { poissonArrivals } from './poisson-arrivals';
import { quantile } from './stats';

describe('the ideal server of a given capacity', () => {
  it('serves in arrival order, one request every 1/capacity, idle when nothing waits', () => {
    // 10/s: 100 ms each. Two together, then one after the server has gone idle.
    expect(idealLatenciesMs([0, 0, 50, 400], 10)).toEqual([100, 200, 250, 100]);
    expect(idealLatenciesMs([], 10)).toEqual([]);
    expect(() => idealLatenciesMs([0], 0)).toThrow('capacity must be positive, got 0/s');
  });

  it('waits as queueing theory says for Poisson arrivals at 80% (M/D/1: mean 3 × service)', () => {
    // Pollaczek–Khinchine: mean wait = ρ / (2 (1 − ρ)) services = 2 at ρ = 0.8, plus the service.
    const latencies = idealLatenciesMs(poissonArrivals(80, 2_000_000, 3), 100);
    const meanServices = latencies.reduce((a, b) => a + b, 0) / latencies.length / 10;
    expect(meanServices).toBeGreaterThan(2.85);
    expect(meanServices).toBeLessThan(3.15);
  });

  it('has the p99 that docs/operations.md quotes: 4.3 services at 50%, 11.4 at 80%', () => {
    const p99Services = (share: number) =>
      quantile(idealLatenciesMs(poissonArrivals(100 * share, 2_000_000, 1), 100), 0.99) / 10;
    expect(p99Services(0.5)).toBeGreaterThan(4.1);
    expect(p99Services(0.5)).toBeLessThan(4.5);
    // A p99 at 80% load settles slowly: 11.0–12.2 over seeds 1, 2, 3, 5 and 7 of a 2000-s schedule.
    expect(p99Services(0.8)).toBeGreaterThan(10.5);
    expect(p99Services(0.8)).toBeLessThan(12.5);
  });
});
