import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { API_MAIN, REPO_ROOT, ServiceProcess, testPrefix } from '@imgcls/testing';
import IORedis from 'ioredis';
import { eventually } from './support/concurrency';
import { getJob, photo, submitAsync } from './support/jobs';
import { PrivateRedis } from './support/private-redis';
import { startStack, type Stack } from './support/stack';

const JOB_DEADLINE_MS = 3_000;

/** The fastest of a few tries: one slow answer on a busy machine is noise, not a hang. */
async function fastestMs(times: number, request: () => Promise<Response>): Promise<number> {
  const durations: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await (await request()).arrayBuffer();
    durations.push(performance.now() - started);
  }
  return Math.min(...durations);
}

/** How often Redis has run `command` since it started (INFO commandstats). */
async function commandCalls(redisUrl: string, command: string): Promise<number> {
  const redis = new IORedis(redisUrl);
  try {
    const stats = await redis.info('commandstats');
    return Number(stats.match(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm'))?.[1] ?? 0);
  } finally {
    redis.disconnect();
  }
}

/**
 * The api alone, with no worker, on a Redis of the test's own (its command statistics are the
 * test's alone): nothing may hang waiting for a worker that does not exist.
 */
describe('no worker running', () => {
  let redis: PrivateRedis;
  let api: ServiceProcess;
  let url = '';
  const prefix = testPrefix('no-worker');

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    const env = {
      ...process.env,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: prefix,
      PORT: '0',
      JOB_DEADLINE_MS: String(JOB_DEADLINE_MS),
      LOG_LEVEL: 'info',
    };
    api = ServiceProcess.start('api', API_MAIN, env);
    [, url = ''] = await api.waitFor(/"url":"(http:\/\/[^"]+)","msg":"api listening on /);
  });
  afterAll(async () => {
    await api?.stop();
    await redis?.stop();
  });

  it('answers a synchronous request 503 at once, naming the missing worker and the fix', async () => {
    const { bytes } = await photo(0);
    const post = () =>
      fetch(`${url}/run_inference`, {
        method: 'POST',
        headers: { 'content-type': 'image/jpeg' },
        body: bytes,
      });
    const answer = await post();
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('1');
    const { error } = (await answer.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toContain('no worker is running');
    expect(error.message).toContain('npm run start:worker');
    expect(await fastestMs(3, post)).toBeLessThan(200);
    // And the api's log says so (once a minute while it lasts).
    await api.waitFor(/"msg":"no worker is alive on QUEUE_PREFIX=/);
  });

  it('accepts an async job, which ends TIMEOUT at its deadline', async () => {
    const { bytes } = await photo(1);
    const submittedAtMs = Date.now();
    const accepted = await submitAsync(url, bytes);
    expect(accepted.status).toBe(202);
    const state = await eventually('the job ends', 20_000, async () => {
      const { body } = await getJob(url, accepted.body.job_id);
      return body.status === 'queued' ? undefined : body;
    });
    expect(Date.now() - submittedAtMs).toBeGreaterThanOrEqual(JOB_DEADLINE_MS);
    expect(state.status).toBe('failed');
    expect(state.error?.code).toBe('TIMEOUT');
    expect(state.error?.message).toContain('no worker started the job before its deadline');
  });

  it('the CLI says why it waits, then exits non-zero with a clear line after its timeout', async () => {
    const { file } = await photo(2);
    const images = join(REPO_ROOT, '../shared/images');
    const cli = join(REPO_ROOT, 'libs/client/src/cli/main.ts');
    const tsconfig = join(REPO_ROOT, 'libs/client/tsconfig.json');
    const args = ['--tsconfig', tsconfig, cli, '--url', url, '--timeout', '4'];
    const child = spawn(join(REPO_ROOT, 'node_modules/.bin/tsx'), [...args, file], {
      cwd: images,
      env: { ...process.env, INIT_CWD: images },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise((resolve) => child.once('exit', resolve));
    expect(status).toBe(1);
    expect(stderr).toContain('waiting: the api answered UNAVAILABLE: no worker is running');
    expect(stderr).toContain('(--timeout)');
    expect(stderr).toMatch(/1 file, 1 error/);
  });

  it('reads the workers without a keyspace scan: /health/ready sends no SCAN', async () => {
    const stack: Stack = await startStack({ redisUrl: redis.url });
    try {
      const scansBefore = await commandCalls(redis.url, 'scan');
      const keysBefore = await commandCalls(redis.url, 'keys');
      for (let i = 0; i < 5; i++) {
        expect((await fetch(`${stack.url}/health/ready`)).status).toBe(200);
        expect((await fetch(`${stack.url}/models`)).status).toBe(200);
      }
      expect(await commandCalls(redis.url, 'scan')).toBe(scansBefore);
      expect(await commandCalls(redis.url, 'keys')).toBe(keysBefore);
    } finally {
      await stack.stop();
    }
  });
});
