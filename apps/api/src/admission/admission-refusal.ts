import type { ApiConfig } from '../config';
import {
  admittedWaitMs,
  BUDGET_SHARE_ESTIMATED,
  completionsBeforeStart,
  estimatedWaitMs,
  type ServiceCapacity,
} from './queue-wait';

/** What RESERVE_SCRIPT saw when it refused: jobs waiting or arriving, their bytes, jobs running. */
export interface LedgerCounts {
  depth: number;
  queued: number;
  active: number;
}

type Limits = Pick<ApiConfig, 'maxQueueDepth' | 'maxQueuedBytes' | 'maxQueueWaitMs'>;

/**
 * Why a reservation was refused: the limit, the value that broke it, and the fix; and, for the
 * latency budget, when the backlog will have shrunk back within it at the current rate.
 */
export function refusal(
  limit: string | undefined,
  counts: LedgerCounts,
  capacity: ServiceCapacity,
  config: Limits,
): { why: string; retryAfterS?: number } {
  const { depth, queued } = counts;
  if (limit === 'bytes') {
    return {
      why: `the queue holds ${queued} bytes of uploads; the limit is ${config.maxQueuedBytes}`,
    };
  }
  if (limit === 'wait' && capacity.ratePerS !== undefined) {
    return overBudget(counts, capacity.sessions, capacity.ratePerS, config.maxQueueWaitMs);
  }
  return {
    why: `the queue is full (${depth} jobs waiting or arriving; the limit is ${config.maxQueueDepth})`,
  };
}

/** The latency budget's refusal: the estimate, what it came from, and when to come back. */
function overBudget(
  { depth, active }: LedgerCounts,
  sessions: number,
  ratePerS: number,
  budgetMs: number,
): { why: string; retryAfterS: number } {
  const waitMs = estimatedWaitMs(completionsBeforeStart(depth, active, sessions), ratePerS);
  const admittedMs = admittedWaitMs(budgetMs);
  const running = `${sessions} session${sessions === 1 ? '' : 's'}`;
  const why =
    `a new job would wait about ${Math.round(waitMs)} ms for a worker (${depth} waiting or ` +
    `arriving, ${active} in the workers' slots, run by ${running}, ${ratePerS.toFixed(1)} ` +
    `jobs/s lately); the limit is MAX_QUEUE_WAIT_MS=${budgetMs}, of which an estimate may ` +
    `fill ${BUDGET_SHARE_ESTIMATED * 100}% (${Math.round(admittedMs)} ms), as the rate ` +
    'varies. Add workers, or raise MAX_QUEUE_WAIT_MS if a longer wait is acceptable';
  return { why, retryAfterS: Math.max(1, Math.ceil((waitMs - admittedMs) / 1000)) };
}
