import {
  parseWorkerHeartbeat,
  READ_WORKERS_SCRIPT,
  workerRegistryKeys,
  type WorkerHeartbeat,
} from '@imgcls/contracts';
import { TEST_REDIS_URL } from '@imgcls/testing';
import IORedis from 'ioredis';

/** The latest heartbeat of a stack's first worker, as the api reads it (undefined: none yet). */
export async function heartbeatOf(prefix: string): Promise<WorkerHeartbeat | undefined> {
  const redis = new IORedis(TEST_REDIS_URL);
  try {
    const { expiries, beats } = workerRegistryKeys(prefix);
    const [beat] = (await redis.eval(READ_WORKERS_SCRIPT, 2, expiries, beats)) as string[];
    return parseWorkerHeartbeat(beat ?? '');
  } finally {
    redis.disconnect();
  }
}
