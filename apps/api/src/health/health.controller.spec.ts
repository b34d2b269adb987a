import { announceStandInWorker } from '@imgcls/testing';
import { useTestApi } from '../testing/test-api';

describe('/health', () => {
  const api = useTestApi();

  const get = async (path: string) => {
    const response = await fetch(`${api().url}/health/${path}`);
    return [response.status, await response.json()] as const;
  };

  it('is live whatever else holds', async () => {
    expect(await get('live')).toEqual([200, { status: 'ok' }]);
  });

  it('is ready only once a worker with its model is alive', async () => {
    expect(await get('ready')).toEqual([
      503,
      {
        error: {
          code: 'UNAVAILABLE',
          message: 'not ready: no worker with a loaded model is alive',
        },
      },
    ]);
    await announceStandInWorker(api().config.queuePrefix);
    expect(await get('ready')).toEqual([200, { status: 'ok', redis: true, workers: 1 }]);
  });
});
