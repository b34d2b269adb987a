import {
  ClassifyQuerySchema,
  isClassifyResponse,
  isErrorBody,
  isJobAccepted,
  isJobState,
  isWorkerHeartbeat,
  MAX_TOP_K,
  openApiComponentSchemas,
  type ClassifyResponse,
} from './index';

const prediction = { class_id: 'n01440764', class_name: 'tench', class_index: 0, probability: 0.8 };
const response: ClassifyResponse = {
  ...prediction,
  job_id: '1838b9a8-0b14-432a-ae26-90324a6869bb',
  top_k: [prediction],
  model: { name: 'densenet121', test_model: false },
  timings: { queue_wait_ms: 1, preprocess_ms: 2, inference_ms: 3 },
};

describe('the job state schema', () => {
  const base = { job_id: 'j1', status: 'queued', created_at: '2025-01-01T00:00:00.000Z' };

  it('accepts the states of the contract', () => {
    expect(isJobState(base)).toBe(true);
    const finished_at = '2025-01-01T00:00:01.000Z';
    expect(isJobState({ ...base, status: 'succeeded', result: response, finished_at })).toBe(true);
    const error = { code: 'INVALID_IMAGE', message: 'm' };
    expect(isJobState({ ...base, status: 'failed', error, finished_at })).toBe(true);
  });

  it.each([
    ['an unknown status', { ...base, status: 'done' }],
    ['no created_at', { job_id: 'j1', status: 'queued' }],
    ['a created_at that is not a time', { ...base, created_at: 'yesterday' }],
    ['a null optional field', { ...base, finished_at: null }],
    ['a result that is not a classification', { ...base, result: { class_id: 'x' } }],
    ['an error with an unknown code', { ...base, error: { code: 'OOPS', message: 'm' } }],
    ['an array', [base]],
  ])('refuses %s', (_name, body) => {
    expect(isJobState(body)).toBe(false);
  });
});

describe('the other messages', () => {
  it('check the answers a client receives', () => {
    expect(isClassifyResponse(response)).toBe(true);
    expect(isClassifyResponse({ ...response, probability: 1.5 })).toBe(false);
    expect(isClassifyResponse({ ...response, class_id: 'tench' })).toBe(false);
    expect(isJobAccepted({ job_id: 'j1', status: 'queued', status_url: '/jobs/j1' })).toBe(true);
    expect(isJobAccepted({ job_id: 'j1', status: 'queued' })).toBe(false);
    expect(isErrorBody({ error: { code: 'QUEUE_FULL', message: 'm' } })).toBe(true);
    expect(isErrorBody({ error: { code: 'queue_full', message: 'm' } })).toBe(false);
    expect(isWorkerHeartbeat({ worker_id: 'h:1' })).toBe(false);
  });
});

describe('the classify query', () => {
  it.each([
    [{}, {}],
    [{ top_k: '1' }, { top_k: 1 }],
    [
      { top_k: String(MAX_TOP_K), mode: 'async' },
      { top_k: MAX_TOP_K, mode: 'async' },
    ],
  ])('reads %p', (query, parsed) => {
    expect(ClassifyQuerySchema.parse(query)).toEqual(parsed);
  });

  it.each([
    [{ top_k: 'abc' }, 'top_k must be a whole number from 1 to 20; got "abc"'],
    [{ top_k: '0' }, 'top_k must be a whole number from 1 to 20; got "0"'],
    [{ top_k: '21' }, 'top_k must be a whole number from 1 to 20; got "21"'],
    [{ top_k: '2.5' }, 'top_k must be a whole number from 1 to 20; got "2.5"'],
    [{ top_k: ['1', '2'] }, 'top_k must be a whole number from 1 to 20; got "1,2"'],
    [{ mode: 'bad' }, 'mode must be "sync" or "async"; got "bad"'],
  ])('refuses %p with a message naming the value and what is allowed', (query, message) => {
    expect(ClassifyQuerySchema.safeParse(query).error?.issues[0]?.message).toBe(message);
  });
});

describe('the OpenAPI component schemas', () => {
  it('are generated from the same definitions, with references between them', () => {
    const schemas = openApiComponentSchemas();
    expect(Object.keys(schemas).sort()).toEqual([
      'ClassifyResponse',
      'Error',
      'JobAccepted',
      'JobState',
      'Liveness',
      'Models',
      'Prediction',
      'Readiness',
    ]);
    expect(JSON.stringify(schemas['JobState'])).toContain(
      '"$ref":"#/components/schemas/ClassifyResponse"',
    );
    expect(JSON.stringify(schemas)).not.toContain('$id');
    expect(schemas['Error']).toMatchObject({ required: ['error'] });
  });
});
