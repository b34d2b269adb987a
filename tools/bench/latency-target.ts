import type { CellResult } from './load';
import { batchOneLatencyMs, findCell, type BenchResults, type ServerRun } from './results';
import { fixed1 as f, skip, type Check } from './target-check';

/** Issue 11: what the serving path may add to one request's time on an idle stack. */
export const SINGLE_REQUEST_OVERHEAD_MS = 5;

/** Photos at c=1: p50 ≤ the model's batch-1 latency (one process, the stack's threads) + 5 ms. */
export function singleRequestOverhead(results: BenchResults, stack: ServerRun): Check {
  const extra = SINGLE_REQUEST_OVERHEAD_MS;
  const id = `single-request-overhead: photos c=1 p50 ≤ model batch-1 latency + ${extra} ms`;
  const cell = findCell(stack, 'photos', 1);
  const threads = stack.layout?.intraOpThreads ?? 1; // the worker's default: one per session
  const model = cell === undefined ? undefined : modelLatencyMs(results, cell, threads);
  if (cell === undefined || model === undefined) {
    return skip(id, `no photos c=1 cell or no 1-process ${threads}-thread batch-1 ceiling`);
  }
  const over = cell.p50Ms - model.ms;
  return {
    id,
    pass: cell.p50Ms <= model.ms + extra,
    detail: `${f(cell.p50Ms)} ms vs ${f(model.ms)} ms (${threads} thr, ${model.seen}) + ${extra} ms; overhead ${f(over)} ms`,
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
