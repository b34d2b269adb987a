import type { CellResult } from './load';
import type { OpenLoopResult } from './open-loop';
import { openLoopChecks } from './open-loop-targets';
import type { BenchResults, ServerRun } from './results';

const openCell = (loadShare: number, extra: Partial<OpenLoopResult>): OpenLoopResult => ({
  input: 'photos',
  loadShare,
  capacityImgPerS: 30,
  offeredPerS: 30 * loadShare,
  servedPerS: Math.min(30, 30 * loadShare),
  sent: 600,
  ok: 600,
  p50Ms: 50,
  p90Ms: 80,
  p99Ms: 150,
  p999Ms: 200,
  errors: 0,
  errorKinds: {},
  errorExamples: {},
  refusals: { count: 0, withRetryAfter: 0, p99Ms: NaN },
  maxSendLagMs: 2,
  loadAverage: 1,
  ...extra,
});

const singleCell = { input: 'photos', concurrency: 1, p50Ms: 40 } as CellResult;

/** The model alone, one process on one thread at batch 1: 30 ms a run. */
const batchOne = { processes: 1, threads: 1, batch: 1, label: '', imgPerS: 33, runP50Ms: 30 };

function results(
  openLoop: OpenLoopResult[],
  budget: Partial<ServerRun> = { maxQueueWaitMs: 1_000 },
): BenchResults {
  const stack: ServerRun = {
    label: 'stack',
    layout: { workers: 1 },
    cells: [singleCell],
    openLoop,
    ...budget,
  };
  const ceiling = { layouts: [batchOne], best: batchOne };
  return { stacks: [stack], ceiling } as unknown as BenchResults;
}

const checks = (openLoop: OpenLoopResult[], budget?: Partial<ServerRun>) =>
  openLoopChecks(results(openLoop, budget)).map((c) => c.pass);

const refused = (count: number, withRetryAfter: number, p99Ms: number) => ({
  errors: count,
  errorKinds: { '503 QUEUE_FULL': count },
  refusals: { count, withRetryAfter, p99Ms },
});

describe('the open-loop targets', () => {
  it('pass: 80% within 4× the c=1 p50, 150% serving 90% with quick refusals', () => {
    const overload = openCell(1.5, { servedPerS: 27, p99Ms: 900, ...refused(100, 100, 12) });
    expect(checks([openCell(0.8, { p99Ms: 160 }), overload])).toEqual([true, true]);
  });

  it('fail on a long tail at 80%, or on any error there', () => {
    expect(checks([openCell(0.8, { p99Ms: 161 })])[0]).toBe(false);
    expect(checks([openCell(0.8, { errors: 1, errorKinds: { '504 TIMEOUT': 1 } })])[0]).toBe(false);
  });

  it('fail at 150% when serving drops, a refusal lacks Retry-After or is slow, or anything else fails', () => {
    const at150 = (extra: Partial<OpenLoopResult>) => checks([openCell(1.5, extra)])[1];
    expect(at150({ servedPerS: 26.9 })).toBe(false);
    expect(at150({ ...refused(10, 9, 5) })).toBe(false);
    expect(at150({ ...refused(10, 10, 50) })).toBe(false);
    expect(at150({ errors: 1, errorKinds: { ECONNRESET: 1 } })).toBe(false);
  });

  it('bound the admitted p99 at 150% by MAX_QUEUE_WAIT_MS + 3 × the batch-1 latency', () => {
    // 1000 ms + 3 × 30 ms = 1090 ms.
    expect(checks([openCell(1.5, { servedPerS: 27, p99Ms: 1_090 })])[1]).toBe(true);
    expect(checks([openCell(1.5, { servedPerS: 27, p99Ms: 1_091 })])[1]).toBe(false);
    // Without a budget (off, or not recorded) nothing bounds the tail.
    expect(checks([openCell(1.5, { servedPerS: 27 })], { maxQueueWaitMs: 0 })[1]).toBe(false);
    expect(checks([openCell(1.5, { servedPerS: 27 })], {})[1]).toBe(false);
  });

  it('set the 80% tail beside an ideal server of the same capacity on the same arrivals', () => {
    const check = (idealP99Ms: number) =>
      openLoopChecks(results([openCell(0.8, { p99Ms: 170, idealP99Ms })]))[0];
    // 4 × the c=1 p50 of 40 ms = 160 ms: the ideal tail below it, then above it.
    expect(check(120)).toMatchObject({ pass: false });
    expect(check(120)?.detail).toContain(
      'an ideal server of this capacity on the same arrivals: p99 120.0 ms',
    );
    expect(check(120)?.detail).not.toContain('no FIFO server');
    expect(check(161)?.detail).toMatch(
      /p99 161\.0 ms, over the bound: no FIFO server of this capacity and this c=1 p50 passes$/,
    );
    // Only an explanation: the verdict is the real tail's.
    expect(openLoopChecks(results([openCell(0.8, { p99Ms: 150, idealP99Ms: 161 })]))[0]?.pass).toBe(
      true,
    );
  });

  it('skip where the cells did not run', () => {
    expect(checks([])).toEqual([undefined, undefined]);
  });
});
