import { isJobAccepted, isJobState } from './job-guards';
import { classifyResponse } from './test/fake-api';

describe('job body guards', () => {
  const base = { job_id: 'j1', status: 'queued', created_at: '2025-01-01T00:00:00Z' };

  it('accepts the job states of the contract', () => {
    expect(isJobState(base)).toBe(true);
    expect(
      isJobState({
        ...base,
        status: 'succeeded',
        result: classifyResponse('j1'),
        finished_at: 'x',
      }),
    ).toBe(true);
    expect(
      isJobState({ ...base, status: 'failed', error: { code: 'INVALID_IMAGE', message: 'm' } }),
    ).toBe(true);
  });

  it.each([
    ['an unknown status', { ...base, status: 'done' }],
    ['no created_at', { job_id: 'j1', status: 'queued' }],
    ['a null optional field', { ...base, finished_at: null }],
    ['a result that is not a classification', { ...base, result: { class_id: 'x' } }],
    ['an error with an unknown code', { ...base, error: { code: 'OOPS', message: 'm' } }],
    ['an array', [base]],
  ])('refuses %s', (_name, body) => {
    expect(isJobState(body)).toBe(false);
  });

  it('checks the 202 body', () => {
    expect(isJobAccepted({ job_id: 'j1', status: 'queued', status_url: '/jobs/j1' })).toBe(true);
    expect(isJobAccepted({ job_id: 'j1', status: 'queued' })).toBe(false);
  });
});
