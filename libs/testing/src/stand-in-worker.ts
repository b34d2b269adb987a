import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  modelKey,
  RECORD_HEARTBEAT_SCRIPT,
  workerRegistryKeys,
  type WorkerHeartbeat,
} from '@imgcls/contracts';
import { TEST_REDIS_URL } from './redis';
import { REPO_ROOT } from './shared-data';
import IORedis from 'ioredis';

/**
 * Announces a worker of the test model that never takes a job, so that synchronous requests
 * are admitted (a queue without a live worker refuses them) while their jobs wait in the
 * queue. Real workers of the same model may join later. Its entry expires after `ttlMs`.
 */
export async function announceStandInWorker(
  prefix: string,
  ttlMs = 60_000,
  redisUrl = TEST_REDIS_URL,
): Promise<void> {
  const manifest = JSON.parse(
    readFileSync(join(REPO_ROOT, 'models/densenet121-synthetic.json'), 'utf8'),
  ) as { name: string; sha256: string };
  const beat: WorkerHeartbeat = {
    worker_id: 'test:stand-in',
    pid: 0,
    hostname: 'test',
    started_at: new Date().toISOString(),
    model: {
      name: manifest.name,
      description: 'a stand-in that takes no job',
      test_model: true,
      input: { name: 'input', shape: ['N', 3, 224, 224] },
      classes: 1000,
      source: null,
      sha256: manifest.sha256,
    },
  };
  const { expiries, beats } = workerRegistryKeys(prefix);
  const redis = new IORedis(redisUrl);
  try {
    const conflict = await redis.eval(
      RECORD_HEARTBEAT_SCRIPT,
      2,
      expiries,
      beats,
      beat.worker_id,
      ttlMs,
      JSON.stringify(beat),
      modelKey(beat.model),
    );
    if (typeof conflict === 'string') throw new Error(`the stand-in was refused: ${conflict}`);
  } finally {
    redis.disconnect();
  }
}
