import type { CpuPerImage } from './cpu';
import type { InputSet } from './inputs';
import { closedLoop, endedIn, type CellPlan, type Sample } from './load';
import { summariseLatency, type LatencySummary } from './stats';

/** What refusing costs a server whose queue is full: every request should get a 503. */
export interface RefusalResult extends LatencySummary {
  concurrency: number;
  /** The refusing api's Redis key prefix, deleted after the cell. */
  queuePrefix?: string;
  /** 503 answers that ended inside the measured window (the latencies are theirs). */
  refusals: number;
  refusalsPerS: number;
  /** Of every 503 in the cell, those that named a `Retry-After`. */
  withRetryAfterShare: number;
  /** Any other outcome over the cell (warm-up, window, drain), by kind: there should be none. */
  others: Record<string, number>;
  /** TCP connections the clients opened per answer over the cell: 1 when each refusal closes its own. */
  connectionsPerAnswer: number;
  /** CPU per refusal over the window, by process, the load generator included. */
  cpu?: CpuPerImage;
}

/**
 * Closed-loop clients against a server that refuses everything (its queue held full): how
 * many refusals a second it can give, what each costs it and the clients in CPU, how long one
 * takes, and whether the clients' connections survive them.
 */
export async function measureRefusals(
  url: URL,
  inputs: InputSet,
  plan: CellPlan,
): Promise<RefusalResult> {
  const { samples, windowStartMs, windowEndMs, cpuWindow, connectionsOpened } = await closedLoop(
    url,
    inputs,
    plan,
  );
  const refused = samples.filter(isRefusal);
  const inWindow = endedIn(refused, windowStartMs, windowEndMs);
  const cpu = cpuWindow.perImage(inWindow.length);
  const result: RefusalResult = {
    concurrency: plan.concurrency,
    refusals: inWindow.length,
    refusalsPerS: inWindow.length / ((windowEndMs - windowStartMs) / 1000),
    ...summariseLatency(inWindow.map((s) => s.latencyMs)),
    withRetryAfterShare: refused.filter((s) => s.retryAfter).length / refused.length,
    others: outcomes(samples.filter((s) => !isRefusal(s))),
    connectionsPerAnswer: connectionsOpened / samples.length,
  };
  return cpu === undefined ? result : { ...result, cpu };
}

const isRefusal = (sample: Sample) => sample.status === 503;

function outcomes(samples: readonly Sample[]): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const { error, status } of samples) {
    const kind = error ?? String(status);
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  return kinds;
}
