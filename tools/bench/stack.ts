import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLASSIFY_QUEUE } from '@imgcls/contracts';
import { Queue } from 'bullmq';
import { assertRedisUp, deleteKeysWithPrefix, TEST_REDIS_URL, testPrefix } from '@imgcls/testing';
import { API_MAIN, ServiceProcess, WORKER_MAIN } from '@imgcls/testing';
import { findRedisServer, type WatchedProcess } from './cpu';
import { createPool, postMultipart } from './http-post';

/** A short log tail: the bench is also the load generator, and copying logs costs CPU. */
export const BENCH_LOG = { keepChars: 20_000 };

/**
 * Worker processes, each with `sessions` model sessions (inference threads) of `intraOpThreads`
 * onnxruntime threads; what is not given stays at the worker's default.
 */
export interface StackLayout {
  workers: number;
  sessions?: number;
  intraOpThreads?: number;
}

/** Something the load generator can drive: a base URL, and a way to stop it cleanly. */
export interface RunningServer {
  label: string;
  /** `POST` target for one image. */
  inferenceUrl: URL;
  /** The stack's Redis key prefix; every key under it is deleted by `stop`. */
  queuePrefix?: string;
  /** The processes whose CPU time each image costs (the load generator is added by the cell). */
  processes: WatchedProcess[];
  /** Why the server cannot be measured any more (a process exited); undefined while it is up. */
  problem(): string | undefined;
  /** Resolves once the server has nothing left to do, so the next cell starts on an idle machine. */
  waitIdle(): Promise<void>;
  stop(): Promise<void>;
}

export function stackLabel(layout: StackLayout, cores: number): string {
  const sessions = layout.sessions ?? `${cores} (default)`;
  const threads = layout.intraOpThreads ?? '1 (default)';
  const workers = `${layout.workers} worker${layout.workers === 1 ? '' : 's'}`;
  return `stack ${workers} × ${sessions} session(s) × ${threads} thread(s)`;
}

/**
 * The built api and `layout.workers` workers as separate processes, as `npm start` runs them,
 * on the shared Redis under a prefix of their own (a `test-bench-…` one, which every cleanup
 * of test keys also sweeps).
 */
export async function startBenchStack(
  layout: StackLayout,
  model: string,
  cores: number,
  maxQueueWaitMs: number,
): Promise<RunningServer> {
  await readyToStart([API_MAIN, WORKER_MAIN]);
  const prefix = testPrefix('bench');
  const env = {
    ...stackEnv(layout, prefix),
    MODEL: model,
    MAX_QUEUE_WAIT_MS: String(maxQueueWaitMs),
  };
  const api = ServiceProcess.start('api', API_MAIN, env, BENCH_LOG);
  const workers = Array.from({ length: layout.workers }, (_, i) =>
    ServiceProcess.start(`worker-${i + 1}`, WORKER_MAIN, env, BENCH_LOG),
  );
  const queue = new Queue(CLASSIFY_QUEUE, { connection: { url: TEST_REDIS_URL }, prefix });
  const stop = async () => {
    await Promise.all([api, ...workers].map((p) => p.stop('SIGTERM')));
    await queue.close();
    await deleteKeysWithPrefix(prefix);
  };
  try {
    await Promise.all(workers.map((w) => w.waitFor(/"msg":"worker ready"/)));
    const inferenceUrl = new URL('/run_inference', await listeningUrl(api));
    const waitIdle = () => waitForEmptyQueue(queue);
    const problem = () => [api, ...workers].map((p) => p.exitReason).find((r) => r !== undefined);
    const label = stackLabel(layout, cores);
    const redis = findRedisServer();
    const processes = [
      ...watched(api, 'api', { byThread: true }),
      ...workers.flatMap((worker) => watched(worker, 'workers', { byThread: true })),
      ...(redis ? [redis] : []),
    ];
    return { label, inferenceUrl, queuePrefix: prefix, processes, problem, waitIdle, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The built api alone, whose queue holds its one place (MAX_QUEUE_DEPTH=1, taken by an async
 * job no worker will run): every further upload is refused before its body is read, as under
 * overload, so a cell against it measures what a refusal costs.
 */
export async function startRefusingApi(hold: Buffer): Promise<RunningServer> {
  await readyToStart([API_MAIN]);
  const prefix = testPrefix('bench');
  const env = { ...stackEnv({ workers: 0 }, prefix), MAX_QUEUE_DEPTH: '1' };
  const api = ServiceProcess.start('api', API_MAIN, env, BENCH_LOG);
  const stop = async () => {
    await api.stop('SIGTERM');
    await deleteKeysWithPrefix(prefix);
  };
  try {
    const url = await listeningUrl(api);
    const agent = createPool(1);
    const held = await postMultipart(
      agent,
      new URL('/run_inference?mode=async', url),
      hold,
      10_000,
    );
    agent.destroy();
    if (held.status !== 202) {
      throw new Error(`the job that holds the queue was answered ${held.status}, not 202`);
    }
    const redis = findRedisServer();
    return {
      label: 'api alone, its queue full (MAX_QUEUE_DEPTH=1)',
      inferenceUrl: new URL('/run_inference', url),
      queuePrefix: prefix,
      processes: [...watched(api, 'api', { byThread: true }), ...(redis ? [redis] : [])],
      problem: () => api.exitReason,
      waitIdle: () => Promise.resolve(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The built processes exist and Redis answers, or why not, before anything starts. */
async function readyToStart(mains: readonly string[]): Promise<void> {
  for (const main of mains) {
    if (!existsSync(main)) {
      throw new Error(`${main} is missing; build first: npx nx run-many -t build -p api worker`);
    }
  }
  await assertRedisUp();
}

/** The address a started api listens on, from its log. */
async function listeningUrl(api: ServiceProcess): Promise<string> {
  // The api logs its real address as JSON; older builds printed a plain line.
  const match = await api.waitFor(
    /"url":"(http:\/\/[^"]+)","msg":"api listening|api listening on (http:\/\/[^\s"]+)/,
  );
  return match[1] ?? match[2] ?? '';
}

/** A started process under a label; processes with the same label are summed. */
export function watched(
  service: ServiceProcess,
  label: string,
  { byThread = false } = {},
): WatchedProcess[] {
  const { pid } = service.child;
  return pid === undefined ? [] : [{ label, pid, byThread }];
}

function stackEnv(layout: StackLayout, prefix: string): NodeJS.ProcessEnv {
  // Everything else (concurrency per worker, timeouts, log level) stays at the service defaults.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    HOST: '127.0.0.1',
    PORT: '0',
    // The readiness lines this tool waits for are logged at info.
    LOG_LEVEL: 'info',
  };
  for (const name of ['INFERENCE_THREADS', 'INTRA_OP_THREADS', 'WORKER_CONCURRENCY'])
    delete env[name];
  if (layout.sessions !== undefined) env.INFERENCE_THREADS = String(layout.sessions);
  if (layout.intraOpThreads !== undefined) env.INTRA_OP_THREADS = String(layout.intraOpThreads);
  return env;
}

const IDLE_POLL_MS = 100;
const MAX_IDLE_WAIT_MS = 120_000;

/**
 * A client that has its answers does not mean idle workers: a job the api gave up on (202, or
 * a deadline) may still be queued or running. Waits until none is, or gives up after a while.
 */
async function waitForEmptyQueue(queue: Queue): Promise<void> {
  const deadline = Date.now() + MAX_IDLE_WAIT_MS;
  while (Date.now() < deadline) {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (Object.values(counts).every((count) => count === 0)) return;
    await sleep(IDLE_POLL_MS);
  }
}
