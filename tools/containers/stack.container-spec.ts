/**
 * `npm run test:containers`: the project's own Dockerfile and docker-compose.yml, unchanged,
 * built and run with podman and podman-compose (`npm run containers:engine` prepares them; the
 * base images are test stand-ins built from Debian's packages). Traffic goes only to the api's
 * port published on 127.0.0.1 and, through `podman exec`, to the stack's own containers.
 * The worker runs densenet121-synthetic, a TEST model (not ImageNet-trained), from ./models or,
 * built into the Dockerfile's `worker-bundled` target, from the image itself.
 */
import {
  assertPodmanRuns,
  compose,
  containers,
  inspect,
  jobsSucceeded,
  logLines,
  pid1Uid,
  podman,
  waitHealthy,
  type ComposeStack,
} from './podman';
import { StackClient } from './stack-client';
import {
  elapsedS,
  kedaListName,
  leftovers,
  newStack,
  photos,
  report,
  stopGracePeriodS,
  tearDown,
  TEST_MODEL,
  wrongOrMissing,
} from './stack-fixture';
import {
  BUNDLED_IMAGE,
  BUNDLED_CONTAINER,
  buildWorkerBundled,
  bundledLeftovers,
  imageFacts,
  interpretersIn,
  removeBundled,
  startBundledWorker,
  waitForLine,
} from './worker-bundled';

const BUILD_TIMEOUT_MS = 15 * 60_000;
const SETTLE_TIMEOUT_MS = 120_000;

describe('docker-compose.yml in real containers (podman)', () => {
  let stack: ComposeStack;
  let client: StackClient;

  async function submit(count: number): Promise<Map<string, number>> {
    const jobs = new Map<string, number>();
    for (const { photo, expectedIndex } of photos(count)) {
      jobs.set(await client.submit(photo), expectedIndex);
    }
    return jobs;
  }

  async function settleAll(jobs: Map<string, number>, what: string): Promise<void> {
    const startedMs = Date.now();
    const outcomes = await client.settle([...jobs.keys()], SETTLE_TIMEOUT_MS);
    expect(wrongOrMissing(jobs, outcomes)).toEqual([]);
    report(
      `${what}: ${jobs.size} accepted, ${outcomes.size} finished with the reference class in ${elapsedS(startedMs)}`,
    );
  }

  /** Waits until `worker` has finished one of `jobs`, so it is busy with the rest. */
  async function waitUntilWorking(worker: string, jobs: Map<string, number>): Promise<number> {
    const deadlineMs = Date.now() + 60_000;
    for (;;) {
      const done = jobsSucceeded(await logLines(worker)).filter((id) => jobs.has(id)).length;
      if (done > 0) return done;
      if (Date.now() > deadlineMs)
        throw new Error(`${worker} took none of ${jobs.size} jobs in 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function waitAllHealthy(): Promise<void> {
    for (const name of await containers(stack)) {
      if (!(await inspect(name)).running) continue;
      report(`${name} healthy after ${((await waitHealthy(name, 180_000)) / 1000).toFixed(1)} s`);
    }
  }

  beforeAll(async () => {
    report(`podman ${await assertPodmanRuns()}`);
    stack = await newStack();
    client = new StackClient(Number(stack.env['API_PORT']));
    await tearDown(stack); // a run that was cut short
    await removeBundled();
  }, 120_000);

  afterAll(async () => {
    await removeBundled();
    if (stack !== undefined) await tearDown(stack);
  }, 120_000);

  it(
    'builds the api and worker images from the Dockerfile',
    async () => {
      const startedMs = Date.now();
      await compose(stack, ['build'], BUILD_TIMEOUT_MS);
      report(`images built in ${elapsedS(startedMs)} (layers cached between runs)`);
    },
    BUILD_TIMEOUT_MS,
  );

  it(
    'builds the worker-bundled target with the model baked in: no Python, a non-root user',
    async () => {
      const startedMs = Date.now();
      await buildWorkerBundled(BUILD_TIMEOUT_MS);
      const facts = await imageFacts(BUNDLED_IMAGE);
      report(
        `worker-bundled (MODEL=${TEST_MODEL}, a test model) built in ${elapsedS(startedMs)}: ` +
          `${(facts.sizeBytes / 1e6).toFixed(0)} MB, user ${facts.user} (uid ${facts.uid})`,
      );
      const found = await interpretersIn(BUNDLED_IMAGE);
      expect(found.filter((path) => path.includes('python'))).toEqual([]);
      expect(found).toContain('/usr/local/bin/node'); // the probe finds what is there
      expect(facts.user).toBe('node');
      expect(facts.uid).not.toBe(0);
    },
    BUILD_TIMEOUT_MS,
  );

  it('starts redis, the api and 2 workers, and every healthcheck passes', async () => {
    const startedMs = Date.now();
    await compose(stack, ['up', '-d']);
    expect(await containers(stack, 'worker')).toHaveLength(2);
    await waitAllHealthy();
    await client.waitReady(120_000);
    report(`stack up, healthy and ready (/health/ready) in ${elapsedS(startedMs)}`);
  }, 300_000);

  it('hands every container its environment interpolated, with nothing left as ${…}', async () => {
    for (const name of await containers(stack)) {
      const env = (await inspect(name)).env;
      expect([name, env.filter((entry) => entry.includes('${'))]).toEqual([name, []]);
    }
  });

  it('runs Redis as a queue: noeviction, maxmemory below the memory limit, AOF everysec', async () => {
    const [redis = ''] = await containers(stack, 'redis');
    const get = async (key: string) =>
      (await podman(['exec', redis, 'redis-cli', 'CONFIG', 'GET', key])).split('\n')[1];
    expect(await get('maxmemory-policy')).toBe('noeviction');
    expect(await get('appendonly')).toBe('yes');
    expect(await get('appendfsync')).toBe('everysec');
    const maxmemory = Number(await get('maxmemory'));
    const limit = (await inspect(redis)).memoryLimitBytes;
    expect(maxmemory).toBeGreaterThan(0);
    expect(maxmemory).toBeLessThan(limit);
    report(`redis: maxmemory-policy noeviction, maxmemory ${maxmemory} < limit ${limit}`);
  });

  it('runs every container as a non-root user', async () => {
    for (const name of await containers(stack)) {
      const uid = await pid1Uid(name);
      report(`${name} runs as uid ${uid}`);
      expect([name, uid]).not.toEqual([name, 0]);
    }
  });

  it('classifies shared photos through the port published on 127.0.0.1', async () => {
    await settleAll(await submit(6), 'classify');
  }, 180_000);

  it('scales to 3 workers, and all three take jobs', async () => {
    stack.env['WORKER_REPLICAS'] = '3';
    await compose(stack, ['up', '-d']);
    const workers = await containers(stack, 'worker');
    expect(workers).toHaveLength(3);
    await waitAllHealthy();
    const jobs = await submit(30);
    await settleAll(jobs, 'three workers');
    for (const name of workers) {
      const taken = jobsSucceeded(await logLines(name)).filter((id) => jobs.has(id)).length;
      report(`${name} finished ${taken} of the ${jobs.size} jobs`);
      expect([name, taken]).not.toEqual([name, 0]);
    }
  }, 420_000);

  it('loses no accepted job when a worker is killed (SIGKILL) with jobs in flight', async () => {
    const [victim = ''] = await containers(stack, 'worker');
    const jobs = await submit(24);
    const done = await waitUntilWorking(victim, jobs);
    await podman(['kill', victim]);
    report(`podman kill ${victim} once it had finished ${done} of ${jobs.size} accepted jobs`);
    await settleAll(jobs, 'after SIGKILL (its held jobs taken over once their lock expired)');
  }, 240_000);

  it('drains a worker on SIGTERM: it exits 0 within stop_grace_period', async () => {
    const [, worker = ''] = await containers(stack, 'worker');
    const graceS = stopGracePeriodS('worker');
    const jobs = await submit(16);
    await waitUntilWorking(worker, jobs);
    const startedMs = Date.now();
    await podman(['stop', '--time', String(graceS), worker], (graceS + 30) * 1000);
    const stoppedMs = Date.now() - startedMs;
    const { exitCode } = await inspect(worker);
    const lines = await logLines(worker);
    const drained = jobsSucceeded(lines, 'stopping: finishing the jobs in hand').length;
    report(
      `${worker} stopped by SIGTERM in ${(stoppedMs / 1000).toFixed(1)} s (grace ${graceS} s), ` +
        `exit code ${exitCode}, ${drained} jobs finished while draining`,
    );
    expect(exitCode).toBe(0);
    expect(lines.some((line) => line.includes('"msg":"stopped"'))).toBe(true);
    expect(stoppedMs).toBeLessThan(graceS * 1000);
    await settleAll(jobs, 'after SIGTERM');
  }, 240_000);

  it('keeps jobs accepted before a Redis restart (append-only file on a volume)', async () => {
    const workers = await containers(stack, 'worker');
    await podman(['stop', ...workers], 120_000);
    const [redis = ''] = await containers(stack, 'redis');
    const waitList = kedaListName();
    const depth = async () => Number(await podman(['exec', redis, 'redis-cli', 'LLEN', waitList]));
    const jobs = await submit(8);
    expect(await depth()).toBe(jobs.size);
    const startedMs = Date.now();
    await podman(['restart', redis], 60_000);
    await waitHealthy(redis, 60_000);
    report(
      `redis restarted in ${elapsedS(startedMs)}; LLEN ${waitList} (the KEDA listName): ${await depth()} of ${jobs.size}`,
    );
    expect(await depth()).toBe(jobs.size);
    await podman(['start', ...workers], 60_000);
    await client.waitReady(120_000);
    await settleAll(jobs, 'after the Redis restart');
  }, 300_000);

  it('serves with the worker-bundled image alone (no ./models mount), as a non-root user', async () => {
    await podman(['stop', ...(await containers(stack, 'worker'))], 120_000);
    await startBundledWorker(`${stack.project}_default`);
    const loaded = await waitForLine(BUNDLED_CONTAINER, '"msg":"model loaded"', 120_000);
    expect(loaded).toContain(TEST_MODEL);
    await waitForLine(BUNDLED_CONTAINER, '"msg":"worker ready"', 60_000);
    const uid = await pid1Uid(BUNDLED_CONTAINER);
    report(`${BUNDLED_CONTAINER} loaded ${TEST_MODEL} from the image and runs as uid ${uid}`);
    expect(uid).not.toBe(0);
    const jobs = await submit(1);
    await settleAll(jobs, 'worker-bundled alone');
    expect(jobsSucceeded(await logLines(BUNDLED_CONTAINER))).toEqual([...jobs.keys()]);
    await removeBundled();
    expect(await bundledLeftovers()).toEqual([]);
  }, 300_000);

  it('leaves nothing behind after down -v', async () => {
    const startedMs = Date.now();
    await tearDown(stack, false); // down -v alone, and the network it leaves
    expect(await leftovers(stack)).toEqual([]);
    report(`down -v in ${elapsedS(startedMs)}: no container, volume or network left`);
  }, 120_000);
});
