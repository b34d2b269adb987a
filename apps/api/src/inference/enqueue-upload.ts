import type { ClassifyJobData } from '@imgcls/contracts';
import type { AdmissionTicket } from '../admission/admission.service';
import type { ClassifyJob, ClassifyQueue } from '../queue/classify-queue';
import type { JobWatch } from '../queue/job-waiter';

/** A job's data as a request gives it: the image's key comes from the hand-over. */
export type UploadJobData = Omit<ClassifyJobData, 'imageKey'>;

/**
 * Turns an admitted upload into a queued job. The bytes go with the place's hand-over, before
 * the job exists, so no worker can take the job and find no image: one round trip for both,
 * then one for the job. A synchronous request's watch begins before the add, so the job's end
 * cannot be missed and nobody asks whether it already came (`watchFor` gives undefined for an
 * asynchronous one). A failed add gives the place back.
 */
export async function enqueueUpload<W extends JobWatch | undefined>(
  queue: ClassifyQueue,
  ticket: AdmissionTicket,
  image: Buffer,
  data: UploadJobData,
  watchFor: (jobId: string) => W,
): Promise<{ job: ClassifyJob; watch: W }> {
  const imageKey = await ticket.handOver(image);
  const watch = watchFor(ticket.id);
  const job = await queue.add(ticket.id, { ...data, imageKey }).catch(async (error: unknown) => {
    watch?.cancel();
    await ticket.withdraw();
    throw error;
  });
  return { job, watch };
}
