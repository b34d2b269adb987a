import { AdmissionService } from '../admission/admission.service';
import { enqueueUpload, type UploadJobData } from '../inference/enqueue-upload';
import type { ClassifyJob } from '../queue/classify-queue';
import type { JobWatch } from '../queue/job-waiter';
import type { QueueStack } from './queue-stack';

/**
 * Queues jobs on a QueueStack through InferenceService's own `enqueueUpload`, so the tests of
 * what comes after run on the path production takes: a place reserved, the upload's bytes
 * stored with its hand-over, then the job added, a synchronous request's watch begun first.
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
  async add(data: UploadJobData, image = Buffer.from('image bytes')): Promise<ClassifyJob> {
    return (await this.queue(data, image, () => undefined)).job;
  }

  /** Queues a job as a synchronous request does: its end is watched from before the add. */
  addWatched(
    data: UploadJobData,
    image = Buffer.from('image bytes'),
  ): Promise<{ job: ClassifyJob; watch: JobWatch }> {
    return this.queue(data, image, (jobId) => this.stack.waiter.watch(jobId));
  }

  async close(): Promise<void> {
    await this.admission.onApplicationShutdown();
  }

  private async queue<W extends JobWatch | undefined>(
    data: UploadJobData,
    image: Buffer,
    watchFor: (jobId: string) => W,
  ) {
    const ticket = await this.admission.reserve(image.length);
    try {
      return await enqueueUpload(this.stack.queue, ticket, image, data, watchFor);
    } finally {
      await ticket.settle();
    }
  }
}
