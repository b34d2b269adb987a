import {
  CLASSIFY_JOB,
  CLASSIFY_QUEUE,
  ServiceError,
  type ClassifyJobData,
  type ClassifyResult,
} from '@imgcls/contracts';
import { Job, Queue, type Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { HeldJobs } from '../testing/held-jobs';
import { openQueueStack, type QueueStack } from '../testing/queue-stack';
import { madeUpResult, startTestWorker } from '../testing/test-worker';

/** The wait for a job, and what it falls back to when the wait ends without a result. */
describe('JobWaiter', () => {
  let stack: QueueStack;
  let worker: Worker;
  const held = new HeldJobs();

  beforeAll(async () => {
    stack = await openQueueStack({ JOB_ATTEMPTS: '1' });
    // The request id tells the worker what to do with the job.
    worker = await startTestWorker(stack.config.queuePrefix, async (job) => {
      const { requestId, topK } = job.data;
      if (requestId === 'hold') await held.hold(job.id ?? '');
      if (requestId === 'fail-coded') return { fail: 'INVALID_IMAGE', message: 'not a JPEG' };
      if (requestId === 'fail-plain') throw new Error('onnxruntime: out of memory at 0x7f3a');
      return { result: madeUpResult(topK) };
    });
  });

  afterAll(async () => {
    held.releaseAll();
    await worker.close();
    await stack.close();
  });

  const submit = (requestId: string, topK = 3) => {
    const now = Date.now();
    const data = { requestId, topK, submittedAtMs: now, deadlineAtMs: now + 60_000 };
    return stack.queue.submit(randomUUID(), Buffer.from('image bytes'), data);
  };

  it('resolves with the result of a job that completes', async () => {
    const job = await submit('ok', 4);
    await expect(stack.waiter.result(job, 20_000)).resolves.toEqual({ result: madeUpResult(4) });
  });

  it("throws a failed job's coded error, and hides an uncoded one behind INTERNAL", async () => {
    const coded = await submit('fail-coded');
    await expect(stack.waiter.result(coded, 20_000)).rejects.toEqual(
      new ServiceError('INVALID_IMAGE', 'not a JPEG'),
    );
    const plain = await submit('fail-plain');
    const error = await stack.waiter.result(plain, 20_000).catch((e: unknown) => e);
    expect(error).toEqual(new ServiceError('INTERNAL', 'the job failed inside the service'));
  });

  it('a watch begun before the job is added resolves with its result or its coded error', async () => {
    const submitWatched = async (requestId: string, topK = 3) => {
      const jobId = randomUUID();
      const watch = stack.waiter.watch(jobId);
      const now = Date.now();
      const data = { requestId, topK, submittedAtMs: now, deadlineAtMs: now + 60_000 };
      const job = await stack.queue.submit(jobId, Buffer.from('image bytes'), data);
      return watch.outcome(job, 20_000);
    };
    await expect(submitWatched('ok', 5)).resolves.toEqual({ result: madeUpResult(5) });
    await expect(submitWatched('fail-coded')).rejects.toEqual(
      new ServiceError('INVALID_IMAGE', 'not a JPEG'),
    );
  });

  it("a watch whose time runs out hands back the job's state", async () => {
    const blocker = await submit('hold');
    await held.taken(blocker.id ?? '');
    const jobId = randomUUID();
    const watch = stack.waiter.watch(jobId);
    const now = Date.now();
    const data = { requestId: 'ok', topK: 3, submittedAtMs: now, deadlineAtMs: now + 60_000 };
    const queued = await stack.queue.submit(jobId, Buffer.from('image bytes'), data);
    await expect(watch.outcome(queued, 100)).resolves.toEqual({ pendingState: 'waiting' });
    held.release(blocker.id ?? '');
  });

  it('hands back the state of jobs still running or queued when the time is up', async () => {
    const running = await submit('hold');
    await held.taken(running.id ?? '');
    // The worker takes one job at a time: this one waits behind the held one.
    const queued = await submit('ok');
    await expect(stack.waiter.result(running, 100)).resolves.toEqual({ pendingState: 'active' });
    await expect(stack.waiter.result(queued, 100)).resolves.toEqual({ pendingState: 'waiting' });
    held.release(running.id ?? '');
    await expect(stack.waiter.result(queued, 20_000)).resolves.toHaveProperty('result');
  });

  it('reports a job the queue lost as UNAVAILABLE', async () => {
    const blocker = await submit('hold');
    await held.taken(blocker.id ?? '');
    const lost = await submit('ok');
    await stack.queue.remove(lost.id ?? '');
    await expect(stack.waiter.result(lost, 20_000)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: 'the job was lost by the queue; submit it again',
    });
    held.release(blocker.id ?? '');
  });

  it('asks the job itself whenever the wait fails: a completed job yields its result', async () => {
    const job = await submit('ok', 2);
    await stack.waiter.result(job, 20_000);
    // A handle on the job through another prefix cannot see it finish: its wait fails, and
    // the waiter reads the job from its own queue instead.
    const elsewhere = new Queue<ClassifyJobData, ClassifyResult>(CLASSIFY_QUEUE, {
      connection: { url: stack.config.redisUrl },
      prefix: `${stack.config.queuePrefix}:elsewhere`, // under the prefix: deleted with it
    });
    try {
      const handle = new Job<ClassifyJobData, ClassifyResult>(
        elsewhere,
        CLASSIFY_JOB,
        job.data,
        {},
        job.id,
      );
      await expect(stack.waiter.result(handle, 20_000)).resolves.toEqual({
        result: madeUpResult(2),
      });
    } finally {
      await elsewhere.close();
    }
  });
});
