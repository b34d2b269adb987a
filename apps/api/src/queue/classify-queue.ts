import { Inject, Injectable } from '@nestjs/common';
import {
  CLASSIFY_JOB,
  CLASSIFY_QUEUE,
  type ClassifyJobData,
  type ClassifyResult,
} from '@imgcls/contracts';
import { Job, Queue } from 'bullmq';
import { API_CONFIG, type ApiConfig } from '../config';
import { JobEvents } from './job-events';
import { QueueConnection } from './queue-connection';

export type ClassifyJob = Job<ClassifyJobData, ClassifyResult>;

/**
 * The api's side of the BullMQ queue: enqueues a job, counts the jobs waiting, and reads jobs
 * back for polling. Each call has a deadline (see QueueConnection).
 */
@Injectable()
export class ClassifyQueue {
  private readonly queue: Queue<ClassifyJobData, ClassifyResult>;

  constructor(
    @Inject(API_CONFIG) config: ApiConfig,
    private readonly connection: QueueConnection,
    private readonly events: JobEvents,
  ) {
    this.queue = new Queue(CLASSIFY_QUEUE, {
      connection: { ...connection.bullmq, enableOfflineQueue: false, maxRetriesPerRequest: 1 },
      prefix: config.queuePrefix,
      defaultJobOptions: {
        attempts: config.jobAttempts,
        backoff: { type: 'exponential', delay: 500 },
        // Kept long enough for late waiters and pollers, bounded so Redis stays small.
        removeOnComplete: { age: config.resultTtlS, count: config.resultMaxCount },
        removeOnFail: { age: config.resultTtlS, count: config.resultMaxCount },
      },
    });
    this.queue.on('error', (error: Error) => connection.warn('queue', error));
    connection.closeFirst(this.queue);
  }

  /** Adds the job; its image is already stored (by the admission hand-over, which names it). */
  async add(jobId: string, data: ClassifyJobData): Promise<ClassifyJob> {
    return this.connection.call('enqueue', () => this.queue.add(CLASSIFY_JOB, data, { jobId }));
  }

  /** Calls `listener` with the id of each job that ends (admission gives its place back). */
  onJobEnded(listener: (jobId: string) => void): void {
    this.events.onJobEnded(listener);
  }

  /** Jobs not yet taken by a worker. */
  async depth(): Promise<number> {
    return this.connection.call('queue depth', () =>
      this.queue.getJobCountByTypes('waiting', 'prioritized', 'delayed'),
    );
  }

  /** The job and its state, or undefined when no such job exists (or it was removed). */
  async find(jobId: string): Promise<{ job: ClassifyJob; state: string } | undefined> {
    return this.connection.call('read job', async () => {
      // State first: a job seen 'completed' is then read with its result, never without it
      // (reading the job first could catch it active, then find it completed).
      const state = await this.queue.getJobState(jobId);
      const job = await Job.fromId<ClassifyJobData, ClassifyResult>(this.queue, jobId);
      return job && state !== 'unknown' ? { job, state } : undefined;
    });
  }

  /** Removes a finished job whose retention ran out (BullMQ prunes only when others finish). */
  async remove(jobId: string): Promise<void> {
    await this.connection.call('remove job', () => this.queue.remove(jobId));
  }
}
