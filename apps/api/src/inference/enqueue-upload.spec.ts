import { AdmissionService } from '../admission/admission.service';
import type { JobWatch } from '../queue/job-waiter';
import { openQueueStack, type QueueStack } from '../testing/queue-stack';
import { enqueueUpload } from './enqueue-upload';

/**
 * An admitted upload becoming a job, on real Redis, with no worker on the queue. The path that
 * works is tested through TestJobs, which queues every api test's jobs with it
 * (classify-queue.spec: the bytes stored binary-safe with their TTL, and the job naming them).
 */
describe('enqueueUpload', () => {
  let stack: QueueStack;
  let admission: AdmissionService;
  const data = { requestId: 'r', topK: 5, submittedAtMs: 1, deadlineAtMs: 2 };

  beforeAll(async () => {
    // Room for one upload's bytes: whether its place was given back shows in the next one's.
    stack = await openQueueStack({ MAX_QUEUED_BYTES: '8' });
    admission = new AdmissionService(stack.config, stack.queue, stack.registry);
    await admission.onModuleInit();
  });

  afterAll(async () => {
    await admission.onApplicationShutdown();
    await stack.close();
  });

  /** A real watch whose cancel is counted. */
  const countedWatch = (cancels: string[]) => (jobId: string) => {
    const watch: JobWatch = stack.waiter.watch(jobId);
    return { ...watch, cancel: () => (cancels.push(jobId), watch.cancel()) };
  };

  it('gives the place back and stops watching when the add fails', async () => {
    // The only room: held until the failed add gives it back.
    const ticket = await admission.reserve(5);
    const cancels: string[] = [];
    // BullMQ refuses a job id that is an integer ("Custom Id cannot be integers"): a real
    // failure of the add, after the hand-over stored the bytes and queued the place. The
    // queue reports any such failure as the queue being unavailable.
    const refused = { ...ticket, id: '42' };
    await expect(
      enqueueUpload(stack.queue, refused, Buffer.from('bytes'), data, countedWatch(cancels)),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(cancels).toEqual(['42']);
    const next = await admission.reserve(5); // QUEUE_FULL had its bytes been kept
    await next.settle();
    await ticket.settle();
  });
});
