import { imageKey } from '@imgcls/contracts';
import IORedis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { openQueueStack, type QueueStack } from '../testing/queue-stack';
import { TestJobs } from '../testing/test-jobs';

/** Enqueueing, counting and reading jobs back, with no worker on the queue. */
describe('ClassifyQueue', () => {
  let stack: QueueStack;
  let jobs: TestJobs;
  let redis: IORedis;

  beforeAll(async () => {
    stack = await openQueueStack({ IMAGE_TTL_S: '120' });
    jobs = await TestJobs.open(stack);
    redis = new IORedis(stack.config.redisUrl);
  });

  afterAll(async () => {
    redis.disconnect();
    await jobs.close();
    await stack.close();
  });

  const data = { requestId: 'r', topK: 5, submittedAtMs: 1, deadlineAtMs: 2 };

  it('stores the upload binary-safe under its own key with a TTL, and the job names it', async () => {
    const bytes = Buffer.from([0xff, 0xd8, 0x00, 0x80, 0xff, 0xd9]);
    const job = await jobs.add(data, bytes);
    const key = imageKey(stack.config.queuePrefix, job.id ?? '');
    expect(job.data).toEqual({ ...data, imageKey: key });
    expect(await redis.getBuffer(key)).toEqual(bytes);
    const ttl = await redis.ttl(key);
    expect(ttl > 0 && ttl <= 120).toBe(true);
  });

  it('counts the jobs waiting, reads one back with its state, and removes it', async () => {
    const before = await stack.queue.depth();
    const jobId = (await jobs.add(data)).id ?? '';
    expect(await stack.queue.depth()).toBe(before + 1);
    const found = await stack.queue.find(jobId);
    expect([found?.state, found?.job.id, found?.job.data.topK]).toEqual(['waiting', jobId, 5]);
    await stack.queue.remove(jobId);
    expect(await stack.queue.find(jobId)).toBeUndefined();
    expect(await stack.queue.depth()).toBe(before);
  });

  it('finds no job under an id it never had', async () => {
    expect(await stack.queue.find(randomUUID())).toBeUndefined();
  });

  it('tells its listeners the id of each job that ends', async () => {
    const ended: string[] = [];
    stack.queue.onJobEnded((jobId) => ended.push(jobId));
    const jobId = (await jobs.add(data)).id ?? '';
    await stack.queue.remove(jobId);
    await waitFor(() => ended.includes(jobId));
  });
});

/** Polls `condition` every 20 ms until it holds (Jest's timeout bounds the wait). */
async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}
