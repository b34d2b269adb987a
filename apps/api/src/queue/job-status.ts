import { jobPath, type JobAccepted, type JobStatus } from '@imgcls/contracts';

/** BullMQ's job states in the words of our API. */
export function jobStatus(state: string): JobStatus | undefined {
  switch (state) {
    case 'waiting':
    case 'prioritized':
    case 'delayed': // waiting for a retry after a transient failure
    case 'waiting-children':
      return 'queued';
    case 'active':
      return 'running';
    case 'completed':
      return 'succeeded';
    case 'failed':
      return 'failed';
    default:
      return undefined;
  }
}

/** The 202 body for a job still under way: its id, status and where to poll it. */
export function jobAccepted(jobId: string, status: JobStatus): JobAccepted {
  return { job_id: jobId, status, status_url: jobPath(jobId) };
}
