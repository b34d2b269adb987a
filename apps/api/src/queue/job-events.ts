import { Inject, Injectable } from '@nestjs/common';
import { CLASSIFY_QUEUE, type ClassifyResult } from '@imgcls/contracts';
import { QueueEvents } from 'bullmq';
import type { EventEmitter } from 'node:events';
import { API_CONFIG, type ApiConfig } from '../config';
import { QueueConnection } from './queue-connection';

/**
 * The queue's event stream: one QueueEvents per api process, created at boot and shared by
 * every request that waits for a job (one per request would cost a Redis connection each).
 */
@Injectable()
export class JobEvents {
  private readonly events: QueueEvents;

  constructor(@Inject(API_CONFIG) config: ApiConfig, connection: QueueConnection) {
    this.events = new QueueEvents(CLASSIFY_QUEUE, {
      connection: connection.bullmq,
      prefix: config.queuePrefix,
    });
    this.events.on('error', (error: Error) => connection.warn('queue events', error));
    connection.closeFirst(this.events);
  }

  /** Resolves once the stream is subscribed, so no job can finish unseen. */
  async ready(): Promise<void> {
    await this.events.waitUntilReady();
  }

  /**
   * Listens for job `jobId`'s end from now on. Called before the job is added, its end cannot
   * be missed, so no Redis read is needed to check whether it already ended (as BullMQ's
   * waitUntilFinished must): the result comes from the completed event itself. `stop` removes
   * the listeners.
   */
  watch(jobId: string): { ended: Promise<ClassifyResult>; stop: () => void } {
    // Per-job event names (`completed:<id>`) are not in QueueEvents' typed listener map.
    const emitter: EventEmitter = this.events;
    let stop = (): void => undefined;
    const ended = new Promise<ClassifyResult>((resolve, reject) => {
      const onCompleted = ({ returnvalue }: { returnvalue: ClassifyResult }) => {
        stop();
        resolve(returnvalue);
      };
      const onFailed = ({ failedReason }: { failedReason: string }) => {
        stop();
        reject(new Error(failedReason));
      };
      emitter.on(`completed:${jobId}`, onCompleted);
      emitter.on(`failed:${jobId}`, onFailed);
      stop = () => {
        emitter.off(`completed:${jobId}`, onCompleted);
        emitter.off(`failed:${jobId}`, onFailed);
      };
    });
    return { ended, stop };
  }

  /** Calls `listener` with the id of each job that completes, fails or is removed. */
  onJobEnded(listener: (jobId: string) => void): void {
    for (const event of ['completed', 'failed', 'removed'] as const) {
      this.events.on(event, ({ jobId }: { jobId: string }) => listener(jobId));
    }
  }
}
