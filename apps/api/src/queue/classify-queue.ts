import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  CLASSIFY_JOB,
  CLASSIFY_QUEUE,
  decodeJobFailure,
  imageKey,
  parseWorkerHeartbeat,
  READ_WORKERS_SCRIPT,
  ServiceError,
  workerRegistryKeys,
  type WorkerHeartbeat,
  type ClassifyJobData,
  type ClassifyResult,
} from '@imgcls/contracts';
import { loggedReconnect, reconnectDelayMs } from '@imgcls/env';
import { Job, Queue, QueueEvents } from 'bullmq';
import IORedis from 'ioredis';
import { API_CONFIG, type ApiConfig } from '../config';
import { queueUnreachable, redisFailure } from './redis-failure';

export type ClassifyJob = Job<ClassifyJobData, ClassifyResult>;

/** How a wait for a job ended: its result, or the BullMQ state it is still in. */
export type WaitOutcome = { result: ClassifyResult } | { pendingState: string };

/** A Redis call that takes longer than this is treated as Redis being away. */
const REDIS_CALL_TIMEOUT_MS = 5_000;

/**
 * The api's side of the queue: stores an upload's bytes, enqueues its job, waits for results
 * through one QueueEvents stream shared by every request of this process, and reads jobs
 * back for polling. Every Redis failure surfaces as UNAVAILABLE, at once, never as a hang.
 */
@Injectable()
export class ClassifyQueue implements OnApplicationShutdown {
  private readonly logger = new Logger(ClassifyQueue.name);
  /** Commands fail at once while Redis is away (no offline queue). */
  private readonly redis: IORedis;
  private readonly queue: Queue<ClassifyJobData, ClassifyResult>;
  private readonly events: QueueEvents;

  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {
    const failFast = { enableOfflineQueue: false, maxRetriesPerRequest: 1 };
    // This connection alone reports reconnect attempts; the queue's own back off silently.
    const warnLine = (line: string) => this.logger.warn(line);
    this.redis = new IORedis(config.redisUrl, {
      ...failFast,
      retryStrategy: loggedReconnect(config.redisUrl, warnLine),
    });
    this.redis.on('error', (error: Error) => this.warn('redis', error));
    const connection = { url: config.redisUrl, retryStrategy: reconnectDelayMs };
    const prefix = config.queuePrefix;
    this.queue = new Queue(CLASSIFY_QUEUE, {
      connection: { ...connection, ...failFast },
      prefix,
      defaultJobOptions: {
        attempts: config.jobAttempts,
        backoff: { type: 'exponential', delay: 500 },
        // Kept long enough for late waiters and pollers, bounded so Redis stays small.
        removeOnComplete: { age: config.resultTtlS, count: config.resultMaxCount },
        removeOnFail: { age: config.resultTtlS, count: config.resultMaxCount },
      },
    });
    this.queue.on('error', (error: Error) => this.warn('queue', error));
    this.events = new QueueEvents(CLASSIFY_QUEUE, { connection, prefix });
    this.events.on('error', (error: Error) => this.warn('queue events', error));
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
    return this.call('enqueue', async () => {
      await this.redis.set(key, image, 'EX', this.config.imageTtlS);
      return this.queue.add(CLASSIFY_JOB, { ...data, imageKey: key }, { jobId });
    });
  }

  /**
   * Waits up to `timeoutMs` for the job. Resolves with its result, throws its coded error if it
   * failed, and resolves with its state if it is still queued or running (the job goes on).
   */
  async result(job: ClassifyJob, timeoutMs: number): Promise<WaitOutcome> {
    try {
      return { result: await job.waitUntilFinished(this.events, timeoutMs) };
    } catch {
      // Ask the job, not the error text, why the wait ended.
      const current = await this.find(job.id ?? '');
      if (current === undefined) {
        throw new ServiceError('UNAVAILABLE', 'the job was lost by the queue; submit it again');
      }
      if (current.state === 'completed') return { result: current.job.returnvalue };
      if (current.state === 'failed') throw decodeJobFailure(current.job.failedReason);
      return { pendingState: current.state };
    }
  }

  /** Calls `listener` with the id of each job that completes, fails or is removed. */
  onJobEnded(listener: (jobId: string) => void): void {
    for (const event of ['completed', 'failed', 'removed'] as const) {
      this.events.on(event, ({ jobId }: { jobId: string }) => listener(jobId));
    }
  }

  /** Jobs not yet taken by a worker. */
  async depth(): Promise<number> {
    return this.call('queue depth', () =>
      this.queue.getJobCountByTypes('waiting', 'prioritized', 'delayed'),
    );
  }

  /** The job and its state, or undefined when no such job exists (or it was removed). */
  async find(jobId: string): Promise<{ job: ClassifyJob; state: string } | undefined> {
    return this.call('read job', async () => {
      // State first: a job seen 'completed' is then read with its result, never without it
      // (reading the job first could catch it active, then find it completed).
      const state = await this.queue.getJobState(jobId);
      const job = await Job.fromId<ClassifyJobData, ClassifyResult>(this.queue, jobId);
      return job && state !== 'unknown' ? { job, state } : undefined;
    });
  }

  /** Removes a finished job whose retention ran out (BullMQ prunes only when others finish). */
  async remove(jobId: string): Promise<void> {
    await this.call('remove job', () => this.queue.remove(jobId));
  }

  /** The workers whose heartbeat has not expired, with the model each has loaded: O(workers). */
  async workers(): Promise<WorkerHeartbeat[]> {
    const { expiries, beats } = workerRegistryKeys(this.config.queuePrefix);
    const values = await this.call('read heartbeats', () =>
      this.redis.eval(READ_WORKERS_SCRIPT, 2, expiries, beats),
    );
    const list = Array.isArray(values) ? values : [];
    return list.flatMap((value) => {
      const beat = typeof value === 'string' ? parseWorkerHeartbeat(value) : undefined;
      return beat ? [beat] : [];
    });
  }

  async ping(): Promise<boolean> {
    return this.call('ping', () => this.redis.ping()).then(
      (answer) => answer === 'PONG',
      () => false,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    const closing = Promise.allSettled([this.events.close(), this.queue.close()]);
    // With Redis away there is nothing to close cleanly, and waiting would hang the stop.
    if (this.redis.status === 'ready') await closing;
    this.redis.disconnect();
  }

  /** Runs a Redis operation with a deadline; any failure becomes UNAVAILABLE. */
  private async call<T>(what: string, operation: () => Promise<T>): Promise<T> {
    // While Redis is away, answer at once: the reconnect lines already say why.
    if (this.redis.status !== 'ready') throw queueUnreachable();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} took over ${REDIS_CALL_TIMEOUT_MS} ms`)),
        REDIS_CALL_TIMEOUT_MS,
      );
    });
    try {
      return await Promise.race([operation(), deadline]);
    } catch (error) {
      if (!(error instanceof ServiceError)) this.warn(what, error);
      throw redisFailure(error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Errors while Redis is away are the outage itself, reported once per reconnect attempt. */
  private warn(what: string, error: unknown): void {
    if (this.redis.status !== 'ready') return;
    this.logger.warn(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
