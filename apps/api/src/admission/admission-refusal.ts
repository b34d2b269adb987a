import type { ApiConfig } from '../config';
import { completionsBeforeStart, estimatedWaitMs, type ServiceCapacity } from './queue-wait';

/** What RESERVE_SCRIPT saw when it refused: jobs waiting or arriving, their bytes, jobs running. */
export interface LedgerCounts {
  depth: number;
  queued: number;
  active: number;
}

type Limits = Pick<ApiConfig, 'maxQueueDepth' | 'maxQueuedBytes' | 'maxQueueWaitMs'>;

/** Why a reservation was refused: the limit, the value that broke it, and the fix. */
export function refusal(
  limit: string | undefined,
  counts: LedgerCounts,
  capacity: ServiceCapacity,
  config: Limits,
): string {
  const { depth, queued, active } = counts;
  if (limit === 'bytes') {
    return `the queue holds ${queued} bytes of uploads; the limit is ${config.maxQueuedBytes}`;
  }
  if (limit === 'wait' && capacity.ratePerS !== undefined) {
    const completions = completionsBeforeStart(depth, active, capacity.slots);
    const waitMs = estimatedWaitMs(completions, capacity.ratePerS);
    return (
      `a new job would wait about ${Math.round(waitMs)} ms for a worker (${depth} waiting or ` +
      `arriving, ${active} running on ${capacity.slots} slot${capacity.slots === 1 ? '' : 's'}, ${capacity.ratePerS.toFixed(1)} ` +
      `jobs/s lately); the limit is MAX_QUEUE_WAIT_MS=${config.maxQueueWaitMs}. Add workers, ` +
      'or raise MAX_QUEUE_WAIT_MS if a longer wait is acceptable'
    );
  }
  return `the queue is full (${depth} jobs waiting or arriving; the limit is ${config.maxQueueDepth})`;
}
