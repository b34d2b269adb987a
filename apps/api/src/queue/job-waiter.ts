import { Injectable } from '@nestjs/common';
import { decodeJobFailure, ServiceError, type ClassifyResult } from '@imgcls/contracts';
import { ClassifyQueue, type ClassifyJob } from './classify-queue';
import { JobEvents } from './job-events';

/** How a wait for a job ended: its result, or the BullMQ state it is still in. */
export type WaitOutcome = { result: ClassifyResult } | { pendingState: string };

/** A wait for a job's end that began before the job was added; `cancel` if it never is. */
export interface JobWatch {
  /**
   * Waits up to `timeoutMs` for the job's end (once; the watch stops after it). Resolves with its
   * result, throws its coded error if it failed, and resolves with its state if it is still
   * queued or running (the job goes on). A wait that ends without a result asks the job.
   */
  outcome(job: ClassifyJob, timeoutMs: number): Promise<WaitOutcome>;
  cancel(): void;
}

/** Waits for a job's end through the shared event stream, and asks the job when that fails. */
@Injectable()
export class JobWaiter {
  constructor(
    private readonly queue: ClassifyQueue,
    private readonly events: JobEvents,
  ) {}

  /**
   * Starts waiting for job `jobId` before it is added: its result then comes with its
   * completed event, one Redis round trip fewer per job than BullMQ's waitUntilFinished (which
   * must first check whether the job already ended).
   */
  watch(jobId: string): JobWatch {
    const { ended, stop } = this.events.watch(jobId);
    ended.catch(() => undefined); // cancelled, or read by `outcome`
    return {
      cancel: stop,
      outcome: async (job, timeoutMs) => {
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
        });
        try {
          return { result: await Promise.race([ended, timedOut]) };
        } catch {
          return this.askJob(job);
        } finally {
          clearTimeout(timer);
          stop();
        }
      },
    };
  }

  /** Asks the job, not the error text, why a wait ended without a result. */
  private async askJob(job: ClassifyJob): Promise<WaitOutcome> {
    const current = await this.queue.find(job.id ?? '');
    if (current === undefined) {
      throw new ServiceError('UNAVAILABLE', 'the job was lost by the queue; submit it again');
    }
    if (current.state === 'completed') return { result: current.job.returnvalue };
    if (current.state === 'failed') throw decodeJobFailure(current.job.failedReason);
    return { pendingState: current.state };
  }
}
