import type { ModelSpeed } from './speed-comparison';
import { speedChecks, speedTable } from './speed-report';

const speed = (model: string, p50Ms: number, runs: number, referenceMs: number): ModelSpeed => ({
  model,
  path: `/models/${model}.onnx`,
  runs,
  p10Ms: p50Ms - 1,
  p50Ms,
  p90Ms: p50Ms + 1,
  speedup: referenceMs / p50Ms,
});

describe('the INT8 speed target', () => {
  it('passes at 1.9× the first model and fails just below, from 30 runs each', () => {
    const checks = speedChecks([
      speed('fp32', 38, 30, 38),
      speed('int8-fast', 20, 30, 38),
      speed('int8-slow', 20.1, 30, 38),
    ]);
    expect(checks.map((c) => c.pass)).toEqual([true, false]);
    expect(checks[0]?.id).toBe(
      'int8-speedup: int8-fast ≥ 1.9× fp32, model alone, 1 thread, batch 1',
    );
    expect(checks[0]?.detail).toBe('median 20.0 vs 38.0 ms = 1.90× over 30 alternating runs each');
  });

  it('does not judge a median of fewer than 30 runs (the smoke run)', () => {
    const [check] = speedChecks([speed('fp32', 38, 3, 38), speed('int8', 10, 3, 38)]);
    expect(check?.pass).toBeUndefined();
    expect(check?.detail).toContain('fewer than 30 runs: not judged');
  });

  it('prints both models side by side, the first as the reference', () => {
    const lines = speedTable([speed('fp32', 38, 30, 38), speed('int8', 19, 30, 38)]).split('\n');
    expect(lines[0]).toMatch(/^model\s+runs\s+p50 ms\s+p10 ms\s+p90 ms\s+img\/s\s+×first$/);
    expect(lines[1]).toMatch(/^fp32\s+30\s+38\.0\s+37\.0\s+39\.0\s+26\.3\s+reference$/);
    expect(lines[2]).toMatch(/^int8\s+30\s+19\.0\s+18\.0\s+20\.0\s+52\.6\s+2\.00×$/);
  });
});
