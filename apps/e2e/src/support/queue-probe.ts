import {
  CLASSIFY_QUEUE,
  imageKey,
  type ClassifyJobData,
  type ClassifyResult,
} from '@imgcls/contracts';
import { Job, Queue } from 'bullmq';
import IORedis from 'ioredis';

/**
 * Looks into a stack's queue from the test's side: job counts, a job's attempts and stalls,
 * and which upload bytes are still in Redis. Read-only; close() when done.
 */
export class QueueProbe {
  private readonly queue: Queue<ClassifyJobData, ClassifyResult>;
  private readonly redis: IORedis;

  constructor(
    private readonly prefix: string,
    redisUrl: string,
  ) {
    this.queue = new Queue(CLASSIFY_QUEUE, { connection: { url: redisUrl }, prefix });
    this.redis = new IORedis(redisUrl);
  }

  counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
  }

  job(jobId: string): Promise<Job<ClassifyJobData, ClassifyResult> | undefined> {
    return Job.fromId(this.queue, jobId);
  }

  async imageKeys(): Promise<string[]> {
    return this.redis.keys(imageKey(this.prefix, '*'));
  }

  /** Resolves when `predicate` holds for the job counts, or fails after `timeoutMs`. */
  async waitForCounts(
    predicate: (counts: Record<string, number>) => boolean,
    timeoutMs: number,
  ): Promise<Record<string, number>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await this.counts();
      if (predicate(counts)) return counts;
      if (Date.now() > deadline)
        throw new Error(`queue counts never matched: ${JSON.stringify(counts)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
  }
}
