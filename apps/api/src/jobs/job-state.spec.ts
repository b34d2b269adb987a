import type { Worker } from 'bullmq';
import type { ClassifyJob } from '../queue/classify-queue';
import { openQueueStack, type QueueStack } from '../testing/queue-stack';
import { TestJobs } from '../testing/test-jobs';
import { madeUpResult, startTestWorker } from '../testing/test-worker';
import { isExpired, timedOutInQueue, toJobState } from './job-state';

/** `GET /jobs/{id}`'s body from real jobs, read back from Redis; the clock is passed in. */
describe('job-state', () => {
  let stack: QueueStack;
  let jobs: TestJobs;
  let worker: Worker;

  beforeAll(async () => {
    stack = await openQueueStack({ JOB_ATTEMPTS: '1' });
    jobs = await TestJobs.open(stack);
    worker = await startTestWorker(stack.config.queuePrefix, (job) =>
      job.data.requestId === 'fail'
        ? { fail: 'IMAGE_TOO_LARGE', message: 'image is 9000×9000 (81 MP); the limit is 40 MP' }
        : { result: madeUpResult(job.data.topK) },
    );
    await worker.pause(); // resumed by the tests that want their jobs to end
  });

  afterAll(async () => {
    await worker.close();
    await jobs.close();
    await stack.close();
  });

  /** Submits a job and reads it back once it has reached `state`. */
  async function jobIn(state: string, requestId = 'ok'): Promise<ClassifyJob> {
    const data = { requestId, topK: 2, submittedAtMs: 1_000, deadlineAtMs: 61_000 };
    const { job, watch } = await jobs.addWatched(data);
    if (state === 'waiting') watch.cancel();
    else await watch.outcome(job, 20_000).catch(() => undefined);
    const jobId = job.id ?? '';
    const found = await stack.queue.find(jobId);
    expect(found?.state).toBe(state);
    if (found === undefined) throw new Error(`job ${jobId} is gone`);
    return found.job;
  }

  it('a queued job: its id, status and creation time, no result, no error', async () => {
    const job = await jobIn('waiting');
    expect(toJobState(job, 'queued')).toEqual({
      job_id: job.id,
      status: 'queued',
      created_at: new Date(job.timestamp).toISOString(),
    });
  });

  it('a queued job past its deadline reads as failed with TIMEOUT; before it, as itself', async () => {
    const job = await jobIn('waiting');
    expect(timedOutInQueue(job, 'queued', job.data.deadlineAtMs)).toBeUndefined();
    expect(timedOutInQueue(job, 'running', job.data.deadlineAtMs + 1)).toBeUndefined();
    expect(timedOutInQueue(job, 'queued', job.data.deadlineAtMs + 1)).toEqual({
      job_id: job.id,
      status: 'failed',
      error: {
        code: 'TIMEOUT',
        message: 'no worker started the job before its deadline (JOB_DEADLINE_MS after submission)',
      },
      created_at: new Date(job.timestamp).toISOString(),
      finished_at: new Date(61_000).toISOString(),
    });
  });

  it('a succeeded job carries its result; a failed one its code and message', async () => {
    worker.resume();
    const succeeded = await jobIn('completed');
    expect(toJobState(succeeded, 'succeeded')).toEqual({
      job_id: succeeded.id,
      status: 'succeeded',
      created_at: new Date(succeeded.timestamp).toISOString(),
      finished_at: new Date(succeeded.finishedOn ?? 0).toISOString(),
      result: { job_id: succeeded.id, ...madeUpResult(2) },
    });
    const failed = await jobIn('failed', 'fail');
    expect(toJobState(failed, 'failed')).toMatchObject({
      status: 'failed',
      error: { code: 'IMAGE_TOO_LARGE', message: 'image is 9000×9000 (81 MP); the limit is 40 MP' },
    });
  });

  it('a finished job expires once older than the retention; an unfinished one never', async () => {
    worker.resume();
    const done = await jobIn('completed');
    const finishedOn = done.finishedOn ?? 0;
    expect(isExpired(done, 60, finishedOn + 60_000)).toBe(false);
    expect(isExpired(done, 60, finishedOn + 60_001)).toBe(true);
    await worker.pause();
    const queued = await jobIn('waiting');
    expect(isExpired(queued, 60, Number.MAX_SAFE_INTEGER)).toBe(false);
  });
});
