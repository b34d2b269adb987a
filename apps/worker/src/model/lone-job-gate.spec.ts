import { LONE_JOB_QUIET_MS, LoneJobGate } from './lone-job-gate';

describe('LoneJobGate', () => {
  it('admits every run to the lone-job session while runs come one at a time', () => {
    const gate = new LoneJobGate();
    expect([0, 50, 100, 5_000].map((atMs) => gate.admits(atMs, false))).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });

  it('after a run that overlapped another, admits none until runs have not overlapped for a while', () => {
    const gate = new LoneJobGate();
    expect(gate.admits(1_000, true)).toBe(false);
    expect(gate.admits(1_001, false)).toBe(false);
    expect(gate.admits(1_000 + LONE_JOB_QUIET_MS - 1, false)).toBe(false);
    expect(gate.admits(1_000 + LONE_JOB_QUIET_MS, false)).toBe(true);
    // Each overlap starts the wait again.
    expect(gate.admits(3_000, true)).toBe(false);
    expect(gate.admits(3_500, false)).toBe(false);
    expect(gate.admits(3_000 + LONE_JOB_QUIET_MS, false)).toBe(true);
  });
});
