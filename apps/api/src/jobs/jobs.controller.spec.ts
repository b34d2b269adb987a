import { isJobState } from '@imgcls/contracts';
import type { Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { postImage, startTestApi, type TestApi } from '../testing/test-api';
import { madeUpResult, startTestWorker } from '../testing/test-worker';

/** `GET /jobs/{id}` through the real app. */
describe('GET /jobs/:id', () => {
  let api: TestApi;
  let worker: Worker;

  beforeAll(async () => {
    api = await startTestApi({ RESULT_TTL_S: '1' });
    worker = await startTestWorker(api.config.queuePrefix, (job) => ({
      result: madeUpResult(job.data.topK),
    }));
  });

  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  const get = async (id: string) => {
    const response = await fetch(`${api.url}/jobs/${id}`);
    return { status: response.status, body: await response.json() };
  };

  it('answers 404 for an id that is no v4 UUID, and for one it never had', async () => {
    for (const id of ['not-a-uuid', randomUUID()]) {
      expect(await get(id)).toEqual({
        status: 404,
        body: { error: { code: 'NOT_FOUND', message: 'no such job; it may have expired' } },
      });
    }
  });

  it('shows a succeeded job with its result, then 404 once RESULT_TTL_S has passed', async () => {
    const accepted = (await (await postImage(api, '?mode=async')).json()) as { job_id: string };
    let state = await get(accepted.job_id);
    while (isJobState(state.body) && state.body.status !== 'succeeded') {
      await new Promise((resolve) => setTimeout(resolve, 50));
      state = await get(accepted.job_id);
    }
    expect(state.status).toBe(200);
    expect(state.body).toMatchObject({ status: 'succeeded', result: { job_id: accepted.job_id } });
    // Jest's timeout bounds the wait; the retention is one second.
    while ((await get(accepted.job_id)).status === 200) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect((await get(accepted.job_id)).status).toBe(404);
  });
});
