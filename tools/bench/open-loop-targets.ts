import type { OpenLoopResult } from './open-loop';
import {
  batchOneLatencyMs,
  findCell,
  type BenchResults,
  type CeilingSection,
  type ServerRun,
} from './results';
import { fixed1 as f, type Check, type TargetCheck } from './target-check';

/** Refusals must come at once: admission control answers before reading the body. */
const REFUSAL_P99_MS = 50;

function atShare(run: ServerRun, share: number): OpenLoopResult | undefined {
  return run.openLoop?.find((r) => Math.abs(r.loadShare - share) < 1e-9);
}

function kinds(r: OpenLoopResult): string {
  const entries = Object.entries(r.errorKinds);
  return entries.length === 0 ? 'none' : entries.map(([k, n]) => `${n}× ${k}`).join(', ');
}

/** Issue 11: at 80% of capacity the tail stays within 4× the unloaded median, with no errors. */
function eightyPercent(run: ServerRun): Check {
  const id = 'open-loop-tail: open loop at 80% of capacity: p99 ≤ 4× photos c=1 p50, no errors';
  const r = atShare(run, 0.8);
  const single = findCell(run, 'photos', 1);
  if (r === undefined || single === undefined) {
    return { id, pass: undefined, detail: 'no 80% open-loop cell or no photos c=1 cell' };
  }
  const boundMs = 4 * single.p50Ms;
  return {
    id,
    pass: r.p99Ms <= boundMs && r.errors === 0,
    detail:
      `p99 ${f(r.p99Ms)} ms vs 4 × ${f(single.p50Ms)} ms = ${f(boundMs)} ms; errors ${kinds(r)}` +
      idealTail(r, boundMs),
  };
}

/** What an ideal server of the same capacity would have done on the same arrivals. */
function idealTail(r: OpenLoopResult, boundMs: number): string {
  if (r.idealP99Ms === undefined) return '';
  const beyond =
    r.idealP99Ms > boundMs
      ? ', over the bound: no FIFO server of this capacity and this c=1 p50 passes'
      : '';
  return `; an ideal server of this capacity on the same arrivals: p99 ${f(r.idealP99Ms)} ms${beyond}`;
}

/**
 * Issue 11: at 150% the server still serves ≥ 90% of its capacity, the requests it admits wait
 * no longer than its latency budget (p99 ≤ MAX_QUEUE_WAIT_MS + 3 × the model's batch-1 latency),
 * and every request it cannot take is refused at once (503 with Retry-After, p99 under 50 ms);
 * nothing else fails.
 */
function overload(run: ServerRun, ceiling: CeilingSection): Check {
  const id =
    `open-loop-shedding: open loop at 150%: served ≥ 90% of capacity, admitted p99 ≤ ` +
    `MAX_QUEUE_WAIT_MS + 3 × batch-1 latency, refusals 503 + Retry-After in < ${REFUSAL_P99_MS} ms p99, no other error`;
  const r = atShare(run, 1.5);
  if (r === undefined) return { id, pass: undefined, detail: 'no 150% open-loop cell' };
  const served = r.servedPerS >= 0.9 * r.capacityImgPerS;
  const bound = tailBound(run, ceiling);
  const refusalsOk =
    r.refusals.count === 0 ||
    (r.refusals.withRetryAfter === r.refusals.count && r.refusals.p99Ms < REFUSAL_P99_MS);
  const otherErrors = r.errors - r.refusals.count;
  return {
    id,
    pass:
      served && bound.ms !== undefined && r.p99Ms <= bound.ms && refusalsOk && otherErrors === 0,
    detail:
      `served ${f(r.servedPerS)}/s = ${((100 * r.servedPerS) / r.capacityImgPerS).toFixed(0)}% of ${f(r.capacityImgPerS)}; ` +
      `admitted p99 ${f(r.p99Ms)} ms vs ${bound.detail}; ` +
      `${r.refusals.count} refusals (${r.refusals.withRetryAfter} with Retry-After, p99 ${f(r.refusals.p99Ms)} ms); ` +
      `errors ${kinds(r)}`,
  };
}

/** MAX_QUEUE_WAIT_MS the stack ran with, plus 3 × the model alone at batch 1 on its threads. */
function tailBound(run: ServerRun, ceiling: CeilingSection): { ms?: number; detail: string } {
  const budgetMs = run.maxQueueWaitMs;
  // A stack's request runs in one session: the worker's default is one thread per session.
  // A short run may have measured one process at batch 1 on other threads only: that, then.
  const model =
    batchOneLatencyMs(ceiling, run.layout?.intraOpThreads ?? 1) ??
    ceiling.layouts.find((l) => l.processes === 1 && l.batch === 1);
  if (budgetMs === undefined || budgetMs === 0) return { detail: 'no MAX_QUEUE_WAIT_MS (off)' };
  if (model === undefined) return { detail: 'no one-process batch-1 ceiling layout' };
  const ms = budgetMs + 3 * model.runP50Ms;
  const latency = `${f(model.runP50Ms)} (${model.threads} thr)`;
  return { ms, detail: `${budgetMs} + 3 × ${latency} = ${f(ms)} ms` };
}

/** The open-loop targets for every stack layout that ran. */
export function openLoopChecks(results: BenchResults): TargetCheck[] {
  return results.stacks.flatMap((stack) =>
    [eightyPercent(stack), overload(stack, results.ceiling)].map((check) => ({
      ...check,
      stack: stack.label,
    })),
  );
}
