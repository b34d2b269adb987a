import type { WorkerHeartbeat } from '@imgcls/contracts';

/** What the live workers can do together: every worker process on every host. */
export interface ServiceCapacity {
  /** Jobs they hold at once. */
  readonly slots: number;
  /** Jobs they run through the model at once: the slots' jobs beyond these wait in a worker. */
  readonly sessions: number;
  /** Jobs they finish per second while every slot is busy; undefined when none worked lately. */
  readonly ratePerS: number | undefined;
}

type WorkerLoad = Pick<WorkerHeartbeat, 'concurrency' | 'sessions' | 'recent_job_ms'>;

/**
 * Sums the workers' heartbeats. Each worker's rate is its slots over the mean time its recent
 * jobs held one (Little's law: exact while all its slots are busy, which is when a queue forms).
 * An idle worker has slots but no rate; a worker of an earlier release has neither, or has no
 * sessions, and then runs as many jobs at once as it holds.
 */
export function serviceCapacity(beats: readonly WorkerLoad[]): ServiceCapacity {
  let slots = 0;
  let sessions = 0;
  let ratePerS = 0;
  for (const { concurrency, sessions: running, recent_job_ms: jobMs } of beats) {
    if (concurrency === undefined) continue;
    slots += concurrency;
    sessions += Math.min(running ?? concurrency, concurrency);
    if (jobMs != null) ratePerS += (concurrency * 1000) / jobMs;
  }
  return { slots, sessions, ratePerS: ratePerS > 0 ? ratePerS : undefined };
}

/**
 * How many jobs must end before a new one's model starts: those ahead of it (waiting, or uploads
 * still arriving) and those in the workers' slots, less the sessions that run them; none while
 * a session is free. Sessions (each a batch of jobs), not slots: a worker holds two batches per
 * session so the next is decoded while the model runs, and a job in a slot still waits for the
 * run ahead of it, about one model run that would otherwise come on top of the budget for every
 * job admitted at its edge. RESERVE_SCRIPT computes the same in Lua, atomically with the
 * reservation.
 */
export function completionsBeforeStart(waiting: number, active: number, sessions: number): number {
  return Math.max(0, waiting + active + 1 - sessions);
}

/**
 * The share of MAX_QUEUE_WAIT_MS a new job's estimated wait may fill. The estimate is the mean
 * wait at the workers' recent rate, but their real rate moves while a job waits (other work on
 * the host, the api's own load). On a shared 2-core VM under constant overload, the estimate
 * was 0.79–1.28 times the rate of the 4.5 s that followed it (sd 4–12% by run): a job admitted
 * at the edge waits that much longer than estimated. Aiming at 85% brought the admitted
 * requests' p99 down by the expected 5% against 90% (docs/benchmarks.md). Under overload this
 * only shortens the queue: the workers stay as busy.
 */
export const BUDGET_SHARE_ESTIMATED = 0.85;

/** The longest estimated wait that is admitted under a budget of `budgetMs`. */
export function admittedWaitMs(budgetMs: number): number {
  return budgetMs * BUDGET_SHARE_ESTIMATED;
}

/** The estimated wait of a new job that needs `completions` jobs to end first. */
export function estimatedWaitMs(completions: number, ratePerS: number): number {
  return (completions * 1000) / ratePerS;
}

/**
 * The most completions a new job may wait for within the share of `budgetMs` that estimates
 * may fill, or undefined for no limit: the budget is off (0), or no worker has a recent rate
 * (cold start, idle), where a guess would refuse for nothing and MAX_QUEUE_DEPTH still bounds
 * the queue.
 */
export function completionsWithinBudget(
  capacity: ServiceCapacity,
  budgetMs: number,
): number | undefined {
  if (budgetMs === 0 || capacity.ratePerS === undefined) return undefined;
  // The epsilon keeps a product that is whole on paper from flooring one short by rounding.
  return Math.floor((capacity.ratePerS * admittedWaitMs(budgetMs)) / 1000 + 1e-9);
}
