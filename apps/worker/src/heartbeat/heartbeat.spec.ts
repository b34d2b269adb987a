import {
  parseWorkerHeartbeat,
  READ_WORKERS_SCRIPT,
  workerRegistryKeys,
  type ModelDescription,
} from '@imgcls/contracts';
import { StartupError } from '@imgcls/env';
import { deleteKeysWithPrefix, TEST_REDIS_URL, testPrefix } from '@imgcls/testing';
import IORedis from 'ioredis';
import pino from 'pino';
import { Heartbeat } from './heartbeat';

const model = (name: string, sha256: string): ModelDescription => ({
  name,
  description: name,
  test_model: true,
  input: { name: 'input', shape: ['N', 3, 224, 224] },
  classes: 1000,
  source: null,
  sha256,
});

/** The worker registry on the real Redis: who is alive, and one model per queue. */
describe('Heartbeat', () => {
  const redis = new IORedis(TEST_REDIS_URL);
  const prefix = testPrefix('heartbeat');
  const logger = pino({ level: 'silent' });
  const beats: Heartbeat[] = [];
  const heartbeat = (workerId: string, described: ModelDescription, ttlMs = 5_000) => {
    const beat = new Heartbeat(
      redis,
      described,
      { queuePrefix: prefix, intervalMs: 60_000, ttlMs, workerId },
      logger,
    );
    beats.push(beat);
    return beat;
  };
  const live = async (): Promise<string[]> => {
    const { expiries, beats: hash } = workerRegistryKeys(prefix);
    const values = (await redis.eval(READ_WORKERS_SCRIPT, 2, expiries, hash)) as string[];
    return values.map((value) => parseWorkerHeartbeat(value)?.worker_id ?? '?').sort();
  };
  const onConflict = () => undefined;

  afterAll(async () => {
    await Promise.all(beats.map((beat) => beat.stop()));
    await deleteKeysWithPrefix(prefix);
    redis.disconnect();
  });

  it('lists the live workers of a model, and forgets one that stops', async () => {
    const a = heartbeat('host:1', model('m', 'aa'));
    await a.start(onConflict);
    await heartbeat('host:2', model('m', 'aa')).start(onConflict);
    expect(await live()).toEqual(['host:1', 'host:2']);
    await a.stop();
    expect(await live()).toEqual(['host:2']);
  });

  it("carries the worker's slots, sessions and recent job time", async () => {
    const queue = testPrefix('heartbeat-load');
    const beatWith = (recentJobMs: number | null) =>
      new Heartbeat(
        redis,
        model('m', 'aa'),
        {
          queuePrefix: queue,
          intervalMs: 60_000,
          ttlMs: 5_000,
          workerId: 'host:load',
          load: () => ({ concurrency: 3, sessions: 1, recent_job_ms: recentJobMs }),
        },
        logger,
      );
    const read = async () => {
      const { expiries, beats: hash } = workerRegistryKeys(queue);
      const [value] = (await redis.eval(READ_WORKERS_SCRIPT, 2, expiries, hash)) as string[];
      const parsed = parseWorkerHeartbeat(value ?? '');
      return [parsed?.concurrency, parsed?.sessions, parsed?.recent_job_ms];
    };
    const idle = beatWith(null);
    await idle.start(onConflict);
    expect(await read()).toEqual([3, 1, null]);
    const busy = beatWith(250); // the same worker, beating again
    await busy.start(onConflict);
    expect(await read()).toEqual([3, 1, 250]);
    await Promise.all([idle.stop(), busy.stop()]);
    await deleteKeysWithPrefix(queue);
  });

  it('refuses a worker of another model, or of another file under the same name', async () => {
    for (const other of [model('n', 'aa'), model('m', 'bb')]) {
      const refused = heartbeat(`host:${other.name}${other.sha256}`, other).start(onConflict);
      await expect(refused).rejects.toThrow(StartupError);
      await expect(refused).rejects.toThrow(
        `QUEUE_PREFIX=${prefix} is already served by model m (sha256 aa…) (worker host:2)`,
      );
    }
    expect(await live()).toEqual(['host:2']);
  });

  it('lets another model in once the last worker of the old one has expired', async () => {
    const queue = testPrefix('heartbeat-expiry');
    const short = new Heartbeat(
      redis,
      model('old', 'aa'),
      { queuePrefix: queue, intervalMs: 60_000, ttlMs: 200, workerId: 'host:old' },
      logger,
    );
    await short.start(onConflict);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const next = new Heartbeat(
      redis,
      model('new', 'bb'),
      { queuePrefix: queue, intervalMs: 60_000, ttlMs: 5_000, workerId: 'host:new' },
      logger,
    );
    await expect(next.start(onConflict)).resolves.toBeUndefined();
    await next.stop();
    await short.stop();
    await deleteKeysWithPrefix(queue);
  });
});
