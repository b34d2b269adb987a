import {
  API_MAIN,
  deleteKeysWithPrefix,
  niceByThread,
  ServiceProcess,
  TEST_REDIS_URL,
  WORKER_MAIN,
  testPrefix,
  threadStats,
} from '@imgcls/testing';
import { sleep } from './support/concurrency';
import { classifySync, photo } from './support/jobs';
import { freePort } from '@imgcls/testing';
import { PrivateRedis } from './support/private-redis';
import { startStack, type Stack } from './support/stack';

const SHUTDOWN_TIMEOUT_MS = 3_000;

function workerEnv(redisUrl: string, prefix: string, model: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    MODEL: model,
    INFERENCE_THREADS: '1',
    LOG_LEVEL: 'info',
  };
}

/** Sends `signal` and resolves with the exit code and how long the exit took. */
async function signalAndTime(
  proc: ServiceProcess,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  proc.child.kill(signal);
  const code = await proc.exited;
  return { code, ms: Date.now() - started };
}

describe('one queue, one model (densenet121-synthetic: a test model)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.stop());

  it('refuses to start a worker whose model differs from the queue’s, with one line', async () => {
    const env = workerEnv(TEST_REDIS_URL, stack.prefix, 'mobilenetv2-12-int8');
    const other = ServiceProcess.start('other-model', WORKER_MAIN, env);
    expect(await other.exited).toBe(1);
    expect(other.log).toContain(
      `QUEUE_PREFIX=${stack.prefix} is already served by model densenet121-synthetic`,
    );
    expect(other.log).toContain('this worker loaded model mobilenetv2-12-int8');
    expect(other.log).toContain('One queue serves one model');
    expect(other.log).not.toContain('"msg":"worker ready"');
    // The queue goes on with its one model.
    const models = (await (await fetch(`${stack.url}/models`)).json()) as {
      models: { name: string }[];
    };
    expect(models.models.map((m) => m.name)).toEqual(['densenet121-synthetic']);
    const { bytes, wnid } = await photo(4);
    expect((await classifySync(stack.url, bytes)).body.class_id).toBe(wnid);
  });
});

describe('stopping a worker while Redis is unreachable (densenet121-synthetic: a test model)', () => {
  let redis: PrivateRedis;
  let stack: Stack;
  beforeAll(async () => {
    redis = await PrivateRedis.start();
    stack = await startStack({
      redisUrl: redis.url,
      workers: 2,
      env: { SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) },
    });
  });
  afterAll(async () => {
    await redis?.start(); // the test stopped it; the stack's keys are removed from it
    await stack?.stop();
    await redis?.stop();
  });

  it('exits within SHUTDOWN_TIMEOUT_MS + 1 s, saying what it abandoned; a second signal at once', async () => {
    const { bytes } = await photo(5);
    expect((await classifySync(stack.url, bytes)).status).toBe(200);
    await redis.stop();
    await sleep(500);
    const [first, second] = stack.workers;
    if (!first || !second) throw new Error('two workers expected');

    const bounded = await signalAndTime(first, 'SIGTERM');
    expect(bounded.code).toBe(1);
    expect(bounded.ms).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 1_000);
    expect(first.log).toContain(
      `the orderly stop took over SHUTDOWN_TIMEOUT_MS=${SHUTDOWN_TIMEOUT_MS}`,
    );
    expect(first.log).toContain('no job was in hand');

    second.child.kill('SIGTERM');
    await sleep(200);
    const atOnce = await signalAndTime(second, 'SIGINT');
    expect(atOnce.code).toBe(1);
    expect(atOnce.ms).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(second.log).toContain('second SIGINT; exiting without finishing');
  });
});

describe('Redis unreachable from the start', () => {
  it('answers 503 at once and logs a handful of reconnect lines a minute, naming the URL', async () => {
    const deadUrl = `redis://127.0.0.1:${await freePort()}`;
    const env = { ...workerEnv(deadUrl, testPrefix('dead-redis'), 'densenet121-synthetic') };
    const api = ServiceProcess.start('api', API_MAIN, { ...env, PORT: '0' });
    const worker = ServiceProcess.start('worker', WORKER_MAIN, env);
    try {
      const [, url = ''] = await api.waitFor(/"url":"(http:\/\/[^"]+)","msg":"api listening on /);
      const startedMs = Date.now();
      const { bytes } = await photo(6);
      const durations: number[] = [];
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        const answer = await fetch(`${url}/run_inference`, {
          method: 'POST',
          headers: { 'content-type': 'image/jpeg' },
          body: bytes,
        });
        durations.push(performance.now() - started);
        expect(answer.status).toBe(503);
        expect(((await answer.json()) as { error: { code: string } }).error.code).toBe(
          'UNAVAILABLE',
        );
      }
      expect(Math.min(...durations)).toBeLessThan(100);

      await sleep(Math.max(0, 60_000 - (Date.now() - startedMs)));
      const counts: string[] = [];
      for (const proc of [api, worker]) {
        const lines = proc.log.split('\n').filter((line) => line.includes('reconnect attempt'));
        counts.push(`${proc.name} ${lines.length}`);
        expect([proc.name, lines.length >= 3 && lines.length <= 10]).toEqual([proc.name, true]);
        expect(lines[0]).toContain(`redis at ${deadUrl} is unreachable`);
        expect(lines[0]).toContain('Is redis-server running there? Check REDIS_URL');
        expect(proc.log).not.toContain('ECONNREFUSED');
      }
      console.log(
        `503 in ${durations.map((ms) => ms.toFixed(1)).join(', ')} ms; reconnect lines in 60 s: ${counts.join(', ')}`,
      );
      // Nothing to hand back to a Redis that never came: the api stops at once, cleanly.
      const stopped = await signalAndTime(api, 'SIGTERM');
      expect(stopped.code).toBe(0);
      expect(stopped.ms).toBeLessThan(10_000);
    } finally {
      await Promise.all([api.stop('SIGKILL'), worker.stop('SIGKILL')]);
    }
  });
});

describe('the threads that run the model yield the CPU (mobilenetv2-12-int8)', () => {
  it.each([
    ['10 (the default)', {}, 10],
    ['0', { INFERENCE_NICE: '0' }, 0],
  ])(
    'INFERENCE_NICE=%s is added to their nice value, and theirs only',
    async (_, extra, increment) => {
      const prefix = testPrefix('nice');
      const env = {
        ...workerEnv(TEST_REDIS_URL, prefix, 'mobilenetv2-12-int8'),
        INFERENCE_THREADS: '2',
        LONE_JOB_THREADS: '2',
        ...extra,
      };
      const worker = ServiceProcess.start('worker', WORKER_MAIN, env);
      try {
        await worker.waitFor(/"msg":"worker ready"/);
        const pid = worker.child.pid ?? -1;
        const nice = niceByThread(pid);
        const base = nice.get(pid) ?? NaN;
        const expected = Math.min(19, base + increment); // nice values stop at 19
        const raised = [...nice.values()].filter((value) => value === expected);
        // Two sessions and the lone-job session, each on its own thread, and the lone session's
        // second intra-op thread, which onnxruntime started from its thread.
        if (increment > 0) expect(raised).toHaveLength(4);
        expect(Math.max(...nice.values())).toBe(expected);
        expect(nice.size).toBeGreaterThan(8); // the main thread, libuv's pool, V8's helpers
      } finally {
        await worker.stop();
        await deleteKeysWithPrefix(prefix);
      }
    },
  );
});

describe('a lone job on both cores (densenet121-synthetic-int8: a test model)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      model: 'densenet121-synthetic-int8',
      env: { INFERENCE_THREADS: '2', LONE_JOB_THREADS: '2', INFERENCE_NICE: '10' },
    });
  });

  afterAll(async () => {
    await stack.stop();
  });

  it('runs on the lone-job session, whose threads stop spinning once each run returns', async () => {
    const pid = stack.workers[0]?.child.pid ?? -1;
    const nice = niceByThread(pid);
    const base = nice.get(pid) ?? NaN;
    // The threads that run the model are the ones at nice + 10: the two sessions', then the
    // lone-job session's own and the intra-op thread onnxruntime started from it (ids rise).
    const model = [...nice].filter(([, value]) => value === base + 10).map(([tid]) => tid);
    expect(model).toHaveLength(4);
    const loneIntraOp = Math.max(...model);
    const cpu = (tids: number[]) =>
      threadStats(pid)
        .filter(({ tid }) => tids.includes(tid))
        .reduce((sum, thread) => sum + thread.cpuMs, 0);

    const { bytes } = await photo(0);
    const before = cpu([loneIntraOp]);
    let betweenRuns = 0;
    for (let i = 0; i < 5; i++) {
      expect((await classifySync(stack.url, bytes)).status).toBe(200);
      // onnxruntime's default keeps a session's threads spinning after each run (the INT8 test
      // model on a Xeon: 20 ms of CPU in a 20 ms gap, 28-30 ms in gaps of 50-500 ms); stopped, 0.3.
      const answered = cpu(model);
      await sleep(200);
      betweenRuns += cpu(model) - answered;
    }
    // One request at a time finds every session idle: the lone session's second thread worked.
    expect(cpu([loneIntraOp])).toBeGreaterThan(before);
    expect(betweenRuns).toBeLessThan(50);
  });
});
