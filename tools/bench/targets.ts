import type { CellResult } from './load';
import {
  baselineRun,
  batchOneLatencyMs,
  findCell,
  type BenchResults,
  type ServerRun,
} from './results';

/** One of the targets for one stack layout; `pass` is undefined when a cell is missing. */
export interface TargetCheck {
  id: string;
  stack: string;
  pass: boolean | undefined;
  detail: string;
}

type Check = Omit<TargetCheck, 'stack'>;

const skip = (id: string, why: string): Check => ({ id, pass: undefined, detail: why });
const f = (n: number) => n.toFixed(1);

/** The five targets, checked for every stack layout that ran. */
export function checkTargets(results: BenchResults): TargetCheck[] {
  return results.stacks.flatMap((stack) =>
    [
      sustainedVsCeiling(results, stack),
      versusBaseline(results, stack),
      singleRequestOverhead(results, stack),
      bigImagesVsCeiling(results, stack),
      tailUnderOverload(stack),
    ].map((check) => ({ ...check, stack: stack.label })),
  );
}

function sustainedVsCeiling(results: BenchResults, stack: ServerRun): Check {
  const id = 'photo-throughput: photos c=16 img/s ≥ 85% of ceiling';
  const cell = findCell(stack, 'photos', 16);
  if (cell === undefined) return skip(id, 'no photos c=16 cell');
  return shareOfCeiling(id, cell, results, 0.85);
}

function versusBaseline(results: BenchResults, stack: ServerRun): Check {
  const id = 'speedup-over-baseline: photos c=16 img/s ≥ 3.5× baseline';
  const cell = findCell(stack, 'photos', 16);
  const base = findCell(baselineRun(results), 'photos', 16);
  if (cell === undefined || base === undefined) return skip(id, 'no photos c=16 cell for both');
  const pass = cell.imgPerS >= 3.5 * base.imgPerS;
  return {
    id,
    pass,
    detail: `${f(cell.imgPerS)} vs ${f(base.imgPerS)} img/s = ${(cell.imgPerS / base.imgPerS).toFixed(2)}×`,
  };
}

function singleRequestOverhead(results: BenchResults, stack: ServerRun): Check {
  const id = 'single-request-overhead: photos c=1 p50 ≤ model batch-1 latency + 8 ms';
  const cell = findCell(stack, 'photos', 1);
  const threads = stack.layout?.intraOpThreads ?? 1; // the worker's default: one per session
  const model = cell === undefined ? undefined : modelLatencyMs(results, cell, threads);
  if (cell === undefined || model === undefined) {
    return skip(id, `no photos c=1 cell or no 1-process ${threads}-thread batch-1 ceiling`);
  }
  const pass = cell.p50Ms <= model.ms + 8;
  const over = cell.p50Ms - model.ms;
  return {
    id,
    pass,
    detail: `${f(cell.p50Ms)} ms vs ${f(model.ms)} ms (${threads} thr, ${model.seen}) + 8 ms; overhead ${f(over)} ms`,
  };
}

/**
 * The model's batch-1 latency, one process on `threads` threads, in the same minute as `cell`:
 * the run time of the best layout re-measured right before its group when that layout is
 * exactly this one; otherwise the start's. (With two processes running at once, each run is
 * slower than one process alone, so that layout's run time is not this latency.)
 */
function modelLatencyMs(
  results: BenchResults,
  cell: CellResult,
  threads: number,
): { ms: number; seen: string } | undefined {
  const { best } = results.ceiling;
  const sameLayout = best.processes === 1 && best.batch === 1 && best.threads === threads;
  if (cell.ceilingNowRunP50Ms !== undefined && sameLayout) {
    return { ms: cell.ceilingNowRunP50Ms, seen: 'right before this group' };
  }
  const start = batchOneLatencyMs(results.ceiling, threads)?.runP50Ms;
  return start === undefined ? undefined : { ms: start, seen: 'at the start' };
}

function bigImagesVsCeiling(results: BenchResults, stack: ServerRun): Check {
  const id = '12mp-throughput: 12-MP c=16 img/s ≥ 70% of ceiling';
  const cell = findCell(stack, '12mp', 16);
  if (cell === undefined) return skip(id, 'no 12mp c=16 cell');
  return shareOfCeiling(id, cell, results, 0.7);
}

/**
 * A cell's throughput against the ceiling measured in the same minute: the best layout
 * re-measured right before the cell's group (other people's load moves both alike), or the
 * start's ceiling where there was no re-measurement.
 */
function shareOfCeiling(id: string, cell: CellResult, results: BenchResults, share: number): Check {
  const start = results.ceiling.best.imgPerS;
  const ceiling = cell.ceilingNowImgPerS ?? start;
  const seen =
    cell.ceilingNowImgPerS === undefined
      ? 'at the start'
      : `right before this group; ${f(start)} at the start`;
  return {
    id,
    pass: cell.imgPerS >= share * ceiling,
    detail: `${f(cell.imgPerS)} img/s = ${pct(cell.imgPerS / ceiling)} of ${f(ceiling)} (the ceiling measured ${seen})`,
  };
}

function tailUnderOverload(stack: ServerRun): Check {
  const id = 'overload-tail: photos c=64 p99 ≤ 3× photos c=16 p50, no errors in any cell';
  const overload = findCell(stack, 'photos', 64);
  const loaded = findCell(stack, 'photos', 16);
  if (overload === undefined || loaded === undefined)
    return skip(id, 'no photos c=16 and c=64 cells');
  const errors = stack.cells.reduce((sum, cell) => sum + cell.errors, 0);
  const pass = overload.p99Ms <= 3 * loaded.p50Ms && errors === 0;
  return {
    id,
    pass,
    detail: `p99 ${f(overload.p99Ms)} ms vs 3 × ${f(loaded.p50Ms)} ms = ${f(3 * loaded.p50Ms)} ms; errors ${describeErrors(stack.cells)}`,
  };
}

function describeErrors(cells: readonly CellResult[]): string {
  const kinds: Record<string, number> = {};
  for (const cell of cells) {
    for (const [kind, count] of Object.entries(cell.errorKinds))
      kinds[kind] = (kinds[kind] ?? 0) + count;
  }
  const entries = Object.entries(kinds);
  return entries.length === 0
    ? '0'
    : entries.map(([kind, count]) => `${count}× ${kind}`).join(', ');
}

const pct = (fraction: number) => `${(fraction * 100).toFixed(0)}%`;

export function formatCheck(check: TargetCheck): string {
  const verdict = check.pass === undefined ? 'SKIP' : check.pass ? 'PASS' : 'FAIL';
  return `${verdict} ${check.id} — ${check.detail}`;
}
