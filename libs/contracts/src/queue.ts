/** BullMQ queue that carries classification jobs from the api to the workers. */
export const CLASSIFY_QUEUE = 'classify';
/** Name of the one job type on that queue. */
export const CLASSIFY_JOB = 'classify';

/**
 * Job payload. Kept to small JSON: the image bytes live in their own binary-safe Redis key
 * (see {@link imageKey}) with a TTL, and are deleted when the job ends.
 */
export interface ClassifyJobData {
  /** Redis key holding the uploaded bytes. */
  imageKey: string;
  /** Correlates the api's request log line with the worker's job log line. */
  requestId: string;
  /** How many classes to return, best first. */
  topK: number;
  /** Epoch milliseconds when the api accepted the upload. */
  submittedAtMs: number;
  /** Epoch milliseconds after which a worker drops the job unprocessed (nobody waits any more). */
  deadlineAtMs: number;
}

/**
 * Key for an upload's bytes. It lives under the queue prefix, so one `QUEUE_PREFIX` owns
 * everything a stack writes to Redis.
 */
export function imageKey(queuePrefix: string, jobId: string): string {
  return `${queuePrefix}:${CLASSIFY_QUEUE}:image:${jobId}`;
}
