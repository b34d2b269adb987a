import type { ClassifyJobData } from '@imgcls/contracts';
import { AdmissionService } from '../admission/admission.service';
import type { ClassifyJob } from '../queue/classify-queue';
import type { JobWatch } from '../queue/job-waiter';
import type { QueueStack } from './queue-stack';

/** A job's data as a request gives it: the image's key comes from the hand-over. */
export type TestJobData = Omit<ClassifyJobData, 'imageKey'>;

/**
 * Queues jobs on a QueueStack the way InferenceService does, so the tests of what comes after
 * run on the path production takes: a place reserved, the upload's bytes stored with its
 * hand-over (which names their key), then the job added; a synchronous request's watch is
 * begun before the add.
 */
export class TestJobs {
  private constructor(
    private readonly stack: QueueStack,
    private readonly admission: AdmissionService,
  ) {}

  static async open(stack: QueueStack): Promise<TestJobs> {
    const admission = new AdmissionService(stack.config, stack.queue, stack.registry);
    await admission.onModuleInit();
    return new TestJobs(stack, admission);
  }

  /** Queues a job whose result nobody waits for (an asynchronous request). */
  async add(data: TestJobData, image = Buffer.from('image bytes')): Promise<ClassifyJob> {
    return (await this.queue(data, image, () => undefined)).job;
  }

  /** Queues a job as a synchronous request does: its end is watched from before the add. */
  addWatched(
    data: TestJobData,
    image = Buffer.from('image bytes'),
  ): Promise<{ job: ClassifyJob; watch: JobWatch }> {
    return this.queue(data, image, (jobId) => this.stack.waiter.watch(jobId));
  }

  async close(): Promise<void> {
    await this.admission.onApplicationShutdown();
  }

  private async queue<W>(data: TestJobData, image: Buffer, watchFor: (jobId: string) => W) {
    const ticket = await this.admission.reserve(image.length);
    try {
      const imageKey = await ticket.handOver(image);
      const watch = watchFor(ticket.id);
      const job = await this.stack.queue.add(ticket.id, { ...data, imageKey });
      return { job, watch };
    } finally {
      await ticket.settle();
    }
  }
}
