import { Injectable } from '@nestjs/common';
import { decodeJobFailure, ServiceError, type ClassifyResult } from '@imgcls/contracts';
import { ClassifyQueue, type ClassifyJob } from './classify-queue';
import { JobEvents } from './job-events';

/** How a wait for a job ended: its result, or the BullMQ state it is still in. */
export type WaitOutcome = { result: ClassifyResult } | { pendingState: string };

/** Waits for a job's end through the shared event stream, and asks the job when that fails. */
@Injectable()
export class JobWaiter {
  constructor(
    private readonly queue: ClassifyQueue,
    private readonly events: JobEvents,
  ) {}

  /**
   * Waits up to `timeoutMs` for the job. Resolves with its result, throws its coded error if it
   * failed, and resolves with its state if it is still queued or running (the job goes on).
   */
  async result(job: ClassifyJob, timeoutMs: number): Promise<WaitOutcome> {
    try {
      return { result: await this.events.finished(job, timeoutMs) };
    } catch {
      // Ask the job, not the error text, why the wait ended.
      const current = await this.queue.find(job.id ?? '');
      if (current === undefined) {
        throw new ServiceError('UNAVAILABLE', 'the job was lost by the queue; submit it again');
      }
      if (current.state === 'completed') return { result: current.job.returnvalue };
      if (current.state === 'failed') throw decodeJobFailure(current.job.failedReason);
      return { pendingState: current.state };
    }
  }
}
