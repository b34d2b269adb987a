import type { BaselineInfo } from './baseline';
import type { CeilingResult } from './ceiling';
import type { CellResult } from './load';
import type { OpenLoopResult } from './open-loop';
import type { RefusalResult } from './refusal-cost';
import type { StackLayout } from './stack';

/** One server (a stack layout or the baseline) and its cells. */
export interface ServerRun {
  label: string;
  layout?: StackLayout;
  queuePrefix?: string;
  /** A stack's MAX_QUEUE_WAIT_MS (0: off); the 150% open-loop target bounds its tail by it. */
  maxQueueWaitMs?: number;
  /** Set when the server stopped during the run: its remaining cells were not measured. */
  failure?: string;
  baseline?: BaselineInfo;
  cells: CellResult[];
  /** Poisson arrivals at shares of this server's own capacity (see open-loop.ts). */
  openLoop?: OpenLoopResult[];
}

export interface CeilingSection {
  layouts: CeilingResult[];
  best: CeilingResult;
}

/** Everything one run measured; written as JSON and printed as tables. */
export interface BenchResults {
  ceiling: CeilingSection;
  stacks: ServerRun[];
  baseline: ServerRun | { skipped: string };
  /** What a refusal costs: an api alone, its queue full (absent with --refusal-clients 0). */
  refusals?: RefusalResult;
}

export function findCell(
  run: ServerRun | undefined,
  input: string,
  concurrency: number,
): CellResult | undefined {
  return run?.cells.find((cell) => cell.input === input && cell.concurrency === concurrency);
}

export function baselineRun(results: BenchResults): ServerRun | undefined {
  return 'cells' in results.baseline ? results.baseline : undefined;
}

/**
 * The model alone, one process at batch 1 with the stack's thread count: the least time one
 * request can take in that stack, which single-request-overhead adds its 5 ms to.
 */
export function batchOneLatencyMs(
  ceiling: CeilingSection,
  threads: number,
): CeilingResult | undefined {
  return ceiling.layouts.find((l) => l.processes === 1 && l.batch === 1 && l.threads === threads);
}
