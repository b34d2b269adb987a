import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  deleteKeysWithPrefix,
  REPO_ROOT,
  samplePhotos,
  TEST_REDIS_URL,
  testPrefix,
} from '@imgcls/testing';
import { eventually } from './support/concurrency';
import {
  interpolate,
  readComposeFile,
  stageCommand,
  type ComposeFile,
  type ComposeService,
} from './support/compose-file';
import { classifySync } from './support/jobs';
import { ServiceProcess } from '@imgcls/testing';

/**
 * There is no Docker engine here, so each compose service's command (its Dockerfile target's
 * CMD) runs as a local process with the service's environment, as Compose would interpolate
 * it. Only what must differ on one host is overridden: the Redis address, the ports, a test
 * prefix, and the test model instead of the real DenseNet-121 weights.
 */
describe('the compose services as local processes', () => {
  const compose = readComposeFile(REPO_ROOT) as ComposeFile;
  const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
  const prefix = testPrefix('compose');
  const processes: ServiceProcess[] = [];
  const overrides = {
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    PORT: '0',
    METRICS_PORT: '0',
    MODEL: 'densenet121-synthetic',
  };

  /** The service's environment as Compose would pass it, with the host-specific overrides. */
  function environment(service: ComposeService): NodeJS.ProcessEnv {
    const declared: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(service.environment ?? {})) {
      declared[key] = interpolate(String(value), {});
    }
    return { PATH: process.env['PATH'], ...declared, ...overrides };
  }

  function start(name: string): ServiceProcess {
    const service = compose.services[name];
    if (!service?.build?.target) throw new Error(`service ${name} has no build target`);
    const [command = '', ...args] = stageCommand(dockerfile, service.build.target);
    expect(command).toBe('node');
    const main = args.at(-1) ?? '';
    const nodeFlags = args.slice(0, -1);
    const started = ServiceProcess.start(name, main, environment(service), { nodeFlags });
    processes.push(started);
    return started;
  }

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGTERM')));
    await deleteKeysWithPrefix(prefix);
  });

  it('serves a classification through the api and worker services, and their healthchecks pass', async () => {
    const worker = start('worker');
    const api = start('api');
    await worker.waitFor(/"msg":"worker ready"/);
    const [, url = ''] = await api.waitFor(/"url":"(http:\/\/[^"]+)","msg":"api listening on /);
    expect(url).toMatch(/^http:\/\/(0\.0\.0\.0|\[::\]|127\.0\.0\.1):\d+$/); // HOST=0.0.0.0 from compose
    const local = url.replace(/0\.0\.0\.0|\[::\]/, '127.0.0.1');

    const tench = samplePhotos()[0];
    const answer = await classifySync(local, readFileSync(tench?.path ?? ''));
    expect(answer.status).toBe(200);
    expect(answer.body.class_name).toBe('tench');
    await eventually('ready', 10_000, async () =>
      (await fetch(`${local}/health/ready`)).status === 200 ? true : undefined,
    );

    // Each service's own healthcheck command, pointed at the port this run got.
    const metricsUrl = String(worker.logEntries('worker ready')[0]?.['metrics_url']);
    const ports: Record<string, string> = {
      api: new URL(local).port,
      worker: new URL(metricsUrl).port,
    };
    for (const name of ['api', 'worker']) {
      const test = compose.services[name]?.healthcheck?.test ?? '';
      const script = test.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${ports[name]}`);
      await expect(promisify(execFile)('sh', ['-c', script])).resolves.toBeDefined();
    }
  });
});
