import { Client } from '@imgcls/client';
import { assertRedisUp, deleteKeysWithPrefix, TEST_REDIS_URL, testPrefix } from '@imgcls/testing';
import { API_MAIN, ServiceProcess, WORKER_MAIN } from '@imgcls/testing';

export interface StackOptions {
  /** Model manifest name; the test model unless a suite needs a real one. */
  model?: string;
  workers?: number;
  /** Extra environment for both apps. */
  env?: NodeJS.ProcessEnv;
  /** Another Redis than the shared one (e.g. a private server a test stops). */
  redisUrl?: string;
}

/** An api and its workers as separate processes, on their own queue prefix. */
export interface Stack {
  url: string;
  prefix: string;
  client: Client;
  api: ServiceProcess;
  workers: ServiceProcess[];
  startWorker(): Promise<ServiceProcess>;
  /** Stops every process and removes every Redis key the stack made. */
  stop(): Promise<void>;
  /** Workers' "job succeeded" log entries, by job id: one entry per job when none ran twice. */
  succeededJobIds(): string[];
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
  await assertRedisUp(redisUrl); // fail loudly, never skip
  const prefix = testPrefix('e2e');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    MODEL: options.model ?? 'densenet121-synthetic',
    HOST: '127.0.0.1',
    PORT: '0',
    // One single-threaded session per worker: suites start several workers on two cores.
    INFERENCE_THREADS: '1',
    INTRA_OP_THREADS: '1',
    LOG_LEVEL: 'info',
    // Off unless a suite is about it: on two busy cores a burst of 32 photos can be estimated
    // over the 5 s default, and the other suites test other things.
    MAX_QUEUE_WAIT_MS: '0',
    ...options.env,
  };
  const workers: ServiceProcess[] = [];
  const startWorker = async () => {
    const worker = ServiceProcess.start(`worker-${workers.length + 1}`, WORKER_MAIN, env);
    workers.push(worker);
    await worker.waitFor(/"msg":"worker ready"/);
    return worker;
  };
  const api = ServiceProcess.start('api', API_MAIN, env);
  try {
    await Promise.all(Array.from({ length: options.workers ?? 1 }, startWorker));
    const [, url = ''] = await api.waitFor(/"url":"(http:\/\/[^"]+)","msg":"api listening on /);
    return {
      url,
      prefix,
      client: new Client({ url }),
      api,
      workers,
      startWorker,
      succeededJobIds: () =>
        workers.flatMap((w) =>
          w.logEntries('job succeeded').map((entry) => String(entry['job_id'])),
        ),
      stop: () => stopAll([api, ...workers], prefix, redisUrl),
    };
  } catch (error) {
    await stopAll([api, ...workers], prefix, redisUrl);
    throw error;
  }
}

async function stopAll(
  processes: ServiceProcess[],
  prefix: string,
  redisUrl: string,
): Promise<void> {
  await Promise.all(processes.map((p) => p.stop('SIGTERM')));
  await deleteKeysWithPrefix(prefix, redisUrl).catch(() => 0); // a private Redis may be gone
}
