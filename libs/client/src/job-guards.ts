import {
  isClassifyResult,
  isErrorBody,
  JOB_STATUSES,
  type ClassifyResponse,
  type ErrorBody,
  type JobAccepted,
  type JobState,
  type JobStatus,
} from '@imgcls/contracts';

// Narrowing for the bodies of the submit-then-poll resources. An optional field must be absent
// (JSON has no `undefined`), never `null`.

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isOptional = <T>(value: unknown, guard: (v: unknown) => v is T): value is T | undefined =>
  value === undefined || guard(value);

const isString = (value: unknown): value is string => typeof value === 'string';

const isJobError = (value: unknown): value is ErrorBody['error'] => isErrorBody({ error: value });

export function isJobStatus(value: unknown): value is JobStatus {
  return typeof value === 'string' && (JOB_STATUSES as readonly string[]).includes(value);
}

/** The answer to a classification: `200` of `POST /run_inference`, `result` of a job. */
export function isClassifyResponse(value: unknown): value is ClassifyResponse {
  return isClassifyResult(value) && isObject(value) && isString(value['job_id']);
}

/** The `202 Accepted` body of `POST /run_inference`. */
export function isJobAccepted(value: unknown): value is JobAccepted {
  return (
    isObject(value) &&
    isString(value['job_id']) &&
    isJobStatus(value['status']) &&
    isString(value['status_url'])
  );
}

/** The body of `GET /jobs/{id}`. */
export function isJobState(value: unknown): value is JobState {
  return (
    isObject(value) &&
    isString(value['job_id']) &&
    isJobStatus(value['status']) &&
    isString(value['created_at']) &&
    isOptional(value['finished_at'], isString) &&
    isOptional(value['result'], isClassifyResponse) &&
    isOptional(value['error'], isJobError)
  );
}
