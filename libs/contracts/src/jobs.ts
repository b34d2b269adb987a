import type { ErrorBody } from './errors';
import type { ClassifyResponse } from './result';

/** Where a job is in its life, as `GET /jobs/{id}` reports it. */
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Path of a job's status resource. */
export const jobPath = (jobId: string): string => `/jobs/${jobId}`;

/** The 202 answer to an asynchronous submit (or to a synchronous one that ran out of time). */
export interface JobAccepted {
  job_id: string;
  status: JobStatus;
  /** Same as the `Location` header: poll it with GET. */
  status_url: string;
}

/** `GET /jobs/{id}`. */
export interface JobState {
  job_id: string;
  status: JobStatus;
  /** Present once the job succeeded: the same shape as the synchronous answer. */
  result?: ClassifyResponse;
  /** Present once the job failed for good. */
  error?: ErrorBody['error'];
  /** ISO 8601. */
  created_at: string;
  finished_at?: string;
}
