import {
  modelKey,
  ModelsListSchema,
  parseWorkerHeartbeat,
  RECORD_HEARTBEAT_SCRIPT,
  workerRegistryKeys,
} from '@imgcls/contracts';
import { announceStandInWorker } from '@imgcls/testing';
import IORedis from 'ioredis';
import { useTestApi } from '../testing/test-api';

describe('GET /models', () => {
  const api = useTestApi();

  const list = async (): Promise<unknown> => (await fetch(`${api().url}/models`)).json();

  it('lists each loaded model once, with how many live workers serve it', async () => {
    expect(await list()).toEqual({ models: [] });
    await announceStandInWorker(api().config.queuePrefix);
    // A second worker of the same model, under its own id.
    const redis = new IORedis(api().config.redisUrl);
    const { expiries, beats } = workerRegistryKeys(api().config.queuePrefix);
    const [first] = await redis.hvals(beats);
    const beat = parseWorkerHeartbeat(first ?? '');
    if (beat === undefined) throw new Error('the stand-in left no heartbeat');
    const second = { ...beat, worker_id: 'test:second' };
    await redis.eval(
      RECORD_HEARTBEAT_SCRIPT,
      2,
      expiries,
      beats,
      second.worker_id,
      60_000,
      JSON.stringify(second),
      modelKey(second.model),
    );
    redis.disconnect();
    const body = await list();
    expect(ModelsListSchema.safeParse(body).success).toBe(true);
    expect(body).toMatchObject({ models: [{ name: beat.model.name, workers: 2 }] });
  });
});
