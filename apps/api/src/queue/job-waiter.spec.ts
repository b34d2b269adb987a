import { ServiceError } from '@imgcls/contracts';
import type { Worker } from 'bullmq';
import { HeldJobs } from '../testing/held-jobs';
import { openQueueStack, type QueueStack } from '../testing/queue-stack';
import { TestJobs } from '../testing/test-jobs';
import { madeUpResult, startTestWorker } from '../testing/test-worker';

/**
 * The wait for a job, watched from before its add as a synchronous request does, and what it
 * falls back to (asking the job) when the wait ends without a result.
 */
describe('JobWaiter', () => {
  let stack: QueueStack;
  let jobs: TestJobs;
  let worker: Worker;
  const held = new HeldJobs();

  beforeAll(async () => {
    stack = await openQueueStack({ JOB_ATTEMPTS: '1' });
    jobs = await TestJobs.open(stack);
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
    await jobs.close();
    await stack.close();
  });

  const dataFor = (requestId: string, topK = 3) => {
    const now = Date.now();
    return { requestId, topK, submittedAtMs: now, deadlineAtMs: now + 60_000 };
  };
  /** A job watched from before its add, as a synchronous request queues it. */
  const submit = (requestId: string, topK = 3) => jobs.addWatched(dataFor(requestId, topK));
  /** Queues a job that waits behind one the worker holds (it takes one job at a time). */
  const behindHeldJob = async () => {
    const running = await submit('hold');
    await held.taken(running.job.id ?? '');
    return { running, queued: await submit('ok') };
  };

  it('resolves with the result of a job that completes, from its completed event', async () => {
    const { job, watch } = await submit('ok', 4);
    await expect(watch.outcome(job, 20_000)).resolves.toEqual({ result: madeUpResult(4) });
  });

  it("throws a failed job's coded error, and hides an uncoded one behind INTERNAL", async () => {
    const coded = await submit('fail-coded');
    await expect(coded.watch.outcome(coded.job, 20_000)).rejects.toEqual(
      new ServiceError('INVALID_IMAGE', 'not a JPEG'),
    );
    const plain = await submit('fail-plain');
    const error = await plain.watch.outcome(plain.job, 20_000).catch((e: unknown) => e);
    expect(error).toEqual(new ServiceError('INTERNAL', 'the job failed inside the service'));
  });

  it('hands back the state of jobs still running or queued when the time is up; they go on', async () => {
    const { running, queued } = await behindHeldJob();
    await expect(running.watch.outcome(running.job, 100)).resolves.toEqual({
      pendingState: 'active',
    });
    await expect(queued.watch.outcome(queued.job, 100)).resolves.toEqual({
      pendingState: 'waiting',
    });
    // The queued job goes on: a watch begun before its end sees its result.
    const again = stack.waiter.watch(queued.job.id ?? '');
    held.release(running.job.id ?? '');
    await expect(again.outcome(queued.job, 20_000)).resolves.toEqual({ result: madeUpResult(3) });
  });

  it('reports a job the queue lost as UNAVAILABLE once the wait ends', async () => {
    const { running, queued: lost } = await behindHeldJob();
    await stack.queue.remove(lost.job.id ?? '');
    // A removal is no end the watch listens for: the job is asked once the time is up.
    await expect(lost.watch.outcome(lost.job, 100)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: 'the job was lost by the queue; submit it again',
    });
    held.release(running.job.id ?? '');
  });

  it('asks the job itself when its end went unseen: a completed job yields its result', async () => {
    const done = await submit('ok', 2);
    await done.watch.outcome(done.job, 20_000);
    // Watched only after the job ended, as if the event stream had missed its completed event.
    const late = stack.waiter.watch(done.job.id ?? '');
    await expect(late.outcome(done.job, 100)).resolves.toEqual({ result: madeUpResult(2) });
  });
});
