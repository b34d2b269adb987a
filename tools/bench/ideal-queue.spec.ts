import { idealLatenciesMs } from './ideal-queue';
import { poissonArrivals } from './poisson-arrivals';

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
});
