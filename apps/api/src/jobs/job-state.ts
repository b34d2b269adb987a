import {
  decodeJobFailure,
  isClassifyResult,
  type JobState,
  type JobStatus,
} from '@imgcls/contracts';
import type { ClassifyJob } from '../queue/classify-queue';

/** True once a finished job is older than the retention: it is gone, whatever Redis still holds. */
export function isExpired(job: ClassifyJob, resultTtlS: number, nowMs: number): boolean {
  return job.finishedOn !== undefined && nowMs - job.finishedOn > resultTtlS * 1000;
}

/**
 * A job still queued past its deadline has ended, whether or not a worker will ever come: it
 * reads as failed with TIMEOUT, as the worker that takes it later will record it (unprocessed).
 */
export function timedOutInQueue(
  job: ClassifyJob,
  status: JobStatus,
  nowMs: number,
): JobState | undefined {
  if (status !== 'queued' || nowMs <= job.data.deadlineAtMs) return undefined;
  return {
    job_id: job.id ?? '',
    status: 'failed',
    error: {
      code: 'TIMEOUT',
      message: 'no worker started the job before its deadline (JOB_DEADLINE_MS after submission)',
    },
    created_at: new Date(job.timestamp).toISOString(),
    finished_at: new Date(job.data.deadlineAtMs).toISOString(),
  };
}

/** `GET /jobs/{id}`'s body for a job in `status`. */
export function toJobState(job: ClassifyJob, status: JobStatus): JobState {
  const jobId = job.id ?? '';
  const state: JobState = {
    job_id: jobId,
    status,
    created_at: new Date(job.timestamp).toISOString(),
  };
  if (job.finishedOn !== undefined && (status === 'succeeded' || status === 'failed')) {
    state.finished_at = new Date(job.finishedOn).toISOString();
  }
  if (status === 'succeeded' && isClassifyResult(job.returnvalue)) {
    state.result = { job_id: jobId, ...job.returnvalue };
  }
  if (status === 'failed') {
    const { code, message } = decodeJobFailure(job.failedReason);
    state.error = { code, message };
  }
  return state;
}
