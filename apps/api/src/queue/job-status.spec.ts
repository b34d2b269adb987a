import { JOB_STATUSES } from '@imgcls/contracts';
import { jobAccepted, jobStatus } from './job-status';

describe('jobStatus', () => {
  it("maps each of BullMQ's job states onto the API's four, and nothing else", () => {
    const states = [
      'waiting',
      'prioritized',
      'delayed',
      'waiting-children',
      'active',
      'completed',
      'failed',
      'unknown',
      '',
    ];
    expect(states.map((state) => [state, jobStatus(state)])).toEqual([
      ['waiting', 'queued'],
      ['prioritized', 'queued'],
      ['delayed', 'queued'],
      ['waiting-children', 'queued'],
      ['active', 'running'],
      ['completed', 'succeeded'],
      ['failed', 'failed'],
      ['unknown', undefined],
      ['', undefined],
    ]);
    const reached = new Set(states.map(jobStatus).filter((status) => status !== undefined));
    expect([...reached].sort()).toEqual([...JOB_STATUSES].sort());
  });
});

describe('jobAccepted', () => {
  it('names the job, its status and the path to poll', () => {
    const id = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
    expect(jobAccepted(id, 'running')).toEqual({
      job_id: id,
      status: 'running',
      status_url: `/jobs/${id}`,
    });
  });
});
