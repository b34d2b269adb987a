import type { OpenLoopResult } from './open-loop';
import { findCell, type BenchResults, type ServerRun } from './results';
import type { TargetCheck } from './targets';

type Check = Omit<TargetCheck, 'stack'>;

const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');
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
  return {
    id,
    pass: r.p99Ms <= 4 * single.p50Ms && r.errors === 0,
    detail: `p99 ${f(r.p99Ms)} ms vs 4 × ${f(single.p50Ms)} ms = ${f(4 * single.p50Ms)} ms; errors ${kinds(r)}`,
  };
}

/**
 * Issue 11: at 150% the server still serves ≥ 90% of its capacity, and every request it cannot
 * take is refused at once (503 with Retry-After, p99 under 50 ms); nothing else fails.
 */
function overload(run: ServerRun): Check {
  const id = `open-loop-shedding: open loop at 150%: served ≥ 90% of capacity, refusals 503 + Retry-After in < ${REFUSAL_P99_MS} ms p99, no other error`;
  const r = atShare(run, 1.5);
  if (r === undefined) return { id, pass: undefined, detail: 'no 150% open-loop cell' };
  const served = r.servedPerS >= 0.9 * r.capacityImgPerS;
  const refusalsOk =
    r.refusals.count === 0 ||
    (r.refusals.withRetryAfter === r.refusals.count && r.refusals.p99Ms < REFUSAL_P99_MS);
  const otherErrors = r.errors - r.refusals.count;
  return {
    id,
    pass: served && refusalsOk && otherErrors === 0,
    detail:
      `served ${f(r.servedPerS)}/s = ${((100 * r.servedPerS) / r.capacityImgPerS).toFixed(0)}% of ${f(r.capacityImgPerS)}; ` +
      `${r.refusals.count} refusals (${r.refusals.withRetryAfter} with Retry-After, p99 ${f(r.refusals.p99Ms)} ms); ` +
      `admitted p99 ${f(r.p99Ms)} ms; errors ${kinds(r)}`,
  };
}

/** The open-loop targets for every stack layout that ran. */
export function openLoopChecks(results: BenchResults): TargetCheck[] {
  return results.stacks.flatMap((stack) =>
    [eightyPercent(stack), overload(stack)].map((check) => ({ ...check, stack: stack.label })),
  );
}
