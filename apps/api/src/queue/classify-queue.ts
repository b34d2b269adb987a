import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  CLASSIFY_JOB,
  CLASSIFY_QUEUE,
  decodeJobFailure,
  imageKey,
  ServiceError,
  type ClassifyJobData,
  type ClassifyResult,
} from '@imgcls/contracts';
import { Job, Queue, QueueEvents } from 'bullmq';
import IORedis from 'ioredis';
import { API_CONFIG, type ApiConfig } from '../config';

type ClassifyJob = Job<ClassifyJobData, ClassifyResult>;

/**
 * The api's side of the queue: stores an upload's bytes, enqueues its job and waits for the
 * result through one QueueEvents stream shared by every request of this process.
 */
@Injectable()
export class ClassifyQueue implements OnApplicationShutdown {
  private readonly logger = new Logger(ClassifyQueue.name);
  /** Commands fail at once while Redis is away, so a request gets 503 instead of hanging. */
  private readonly redis: IORedis;
  private readonly queue: Queue<ClassifyJobData, ClassifyResult>;
  private readonly events: QueueEvents;

  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {
    this.redis = new IORedis(config.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    this.redis.on('error', (error: Error) => this.logger.warn(`redis: ${error.message}`));
    const prefix = config.queuePrefix;
    this.queue = new Queue(CLASSIFY_QUEUE, {
      connection: { url: config.redisUrl, enableOfflineQueue: false, maxRetriesPerRequest: 1 },
      prefix,
      defaultJobOptions: {
        attempts: config.jobAttempts,
        backoff: { type: 'exponential', delay: 500 },
        // Kept long enough for late waiters and pollers, bounded so Redis stays small.
        removeOnComplete: { age: config.resultTtlS, count: 100_000 },
        removeOnFail: { age: config.resultTtlS, count: 100_000 },
      },
    });
    this.queue.on('error', (error: Error) => this.logger.warn(`queue: ${error.message}`));
    this.events = new QueueEvents(CLASSIFY_QUEUE, { connection: { url: config.redisUrl }, prefix });
    this.events.on('error', (error: Error) => this.logger.warn(`queue events: ${error.message}`));
  }

  /** Resolves once the events stream is subscribed, so no job can finish unseen. */
  async ready(): Promise<void> {
    await this.events.waitUntilReady();
  }

  async submit(
    jobId: string,
    image: Buffer,
    data: Omit<ClassifyJobData, 'imageKey'>,
  ): Promise<ClassifyJob> {
    const key = imageKey(this.config.queuePrefix, jobId);
    try {
      await this.redis.set(key, image, 'EX', this.config.imageTtlS);
      return await this.queue.add(CLASSIFY_JOB, { ...data, imageKey: key }, { jobId });
    } catch (error) {
      this.logger.warn(`enqueue failed: ${error instanceof Error ? error.message : String(error)}`);
      throw new ServiceError('UNAVAILABLE', 'the job queue is unreachable; retry shortly');
    }
  }

  /** Waits for the job's result; a failed job becomes its coded error, a slow one TIMEOUT. */
  async result(job: ClassifyJob, timeoutMs: number): Promise<ClassifyResult> {
    try {
      return await job.waitUntilFinished(this.events, timeoutMs);
    } catch {
      // Ask the job, not the error text, why the wait ended.
      const current = await Job.fromId<ClassifyJobData, ClassifyResult>(this.queue, job.id ?? '');
      const state = current ? await current.getState() : 'unknown';
      if (current && state === 'completed') return current.returnvalue;
      if (current && state === 'failed') throw decodeJobFailure(current.failedReason);
      throw new ServiceError('TIMEOUT', `the job did not finish within ${timeoutMs} ms`);
    }
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    this.redis.disconnect();
  }
}
