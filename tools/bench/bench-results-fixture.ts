import type { CeilingResult } from './ceiling';
import type { CpuPerImage } from './cpu';
import type { CellResult } from './load';
import type { BenchResults } from './results';
import type { TargetCheck, TargetContext } from './target-check';
import { checkTargets } from './targets';

/** Hand-built bench results for the target specs: only the figures a check reads matter. */

export const ceilingLayout = (
  processes: number,
  imgPerS: number,
  runP50Ms: number,
): CeilingResult => ({
  label: `${processes} proc × 1 thr, batch 1`,
  processes,
  threads: 1,
  batch: 1,
  imgPerS,
  runP50Ms,
});

/** The best ceiling layout re-measured right before a group of cells. */
export interface Probe {
  imgPerS: number;
  runP50Ms: number;
}

export const benchCell = (
  input: string,
  concurrency: number,
  imgPerS: number,
  probe?: Probe,
): CellResult => ({
  input,
  concurrency,
  completed: 100,
  imgPerS,
  p50Ms: concurrency === 1 ? 42 : 100,
  p90Ms: 110,
  p99Ms: 120,
  errors: 0,
  errorKinds: {},
  errorExamples: {},
  loadAverage: 1,
  correct: 100,
  ceilingNowImgPerS: probe?.imgPerS,
  ceilingNowRunP50Ms: probe?.runP50Ms,
});

/**
 * A run: the start's ceiling (2 processes) and 1-process latency `singleMs`, one stack with a
 * photos c=1 (p50 42 ms), photos c=16 and 12mp c=16 cell, each after `probe`; a baseline with a
 * photos c=16 cell where `baselineImgPerS` is given.
 */
export function benchResults(
  start: Probe,
  singleMs: number,
  probe: Probe | undefined,
  photos16: number,
  baselineImgPerS?: number,
): BenchResults {
  const best = ceilingLayout(2, start.imgPerS, start.runP50Ms);
  return {
    ceiling: { layouts: [best, ceilingLayout(1, start.imgPerS / 2, singleMs)], best },
    stacks: [
      {
        label: 'stack',
        layout: { workers: 1 },
        cells: [
          benchCell('photos', 1, 20, probe),
          benchCell('photos', 16, photos16, probe),
          benchCell('12mp', 16, 10, probe),
        ],
      },
    ],
    baseline:
      baselineImgPerS === undefined
        ? { skipped: 'not in this test' }
        : { label: 'baseline', cells: [benchCell('photos', 16, baselineImgPerS)] },
  };
}

/** The same run with CPU ms per image by process at photos c=16 (cpu.ts's figures). */
export function withPhotoCpu(run: BenchResults, byProcess: Record<string, number>): BenchResults {
  const totalMs = Object.values(byProcess).reduce((sum, ms) => sum + ms, 0);
  const cpu: CpuPerImage = { byProcess, totalMs, unaccountedMs: 0 };
  const stacks = run.stacks.map((stack) => ({
    ...stack,
    cells: stack.cells.map((cell) =>
      cell.input === 'photos' && cell.concurrency === 16 ? { ...cell, cpu } : cell,
    ),
  }));
  return { ...run, stacks };
}

/** The check whose id starts with `id` (its name and colon), for the first stack. */
export const findTarget = (
  run: BenchResults,
  id: string,
  context: TargetContext = { cores: 2 },
): TargetCheck | undefined => checkTargets(run, context).find((check) => check.id.startsWith(id));
