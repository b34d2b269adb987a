import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@imgcls/testing';

const run = promisify(execFile);

/** RUN steps need chroot isolation here, and only the docker format keeps HEALTHCHECK. */
export const BUILD_ENV = { BUILDAH_ISOLATION: 'chroot', BUILDAH_FORMAT: 'docker' } as const;

export interface ComposeStack {
  /** Compose project name: prefixes every container, volume and network it makes. */
  project: string;
  /** Variables the compose file interpolates (API_PORT, MODEL, WORKER_REPLICAS, …). */
  env: Record<string, string>;
}

export async function podman(args: string[], timeoutMs = 120_000): Promise<string> {
  const { stdout } = await run('podman', args, { timeout: timeoutMs, maxBuffer: 64 << 20 });
  return stdout.trim();
}

/** podman-compose with the project's own docker-compose.yml, from the project's root. */
export async function compose(
  stack: ComposeStack,
  args: string[],
  timeoutMs = 120_000,
): Promise<string> {
  const { stdout } = await run(
    'podman-compose',
    ['-p', stack.project, '-f', 'docker-compose.yml', ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...BUILD_ENV, ...stack.env },
      timeout: timeoutMs,
      maxBuffer: 64 << 20,
    },
  );
  return stdout;
}

/** The Dockerfile's default base (a test stand-in here): runs a throwaway container. */
const PROBE_IMAGE = 'docker.io/library/node:20-bookworm-slim';

/** One clear line when podman is missing or cannot start a container here. */
export async function assertPodmanRuns(): Promise<string> {
  try {
    await podman(['run', '--rm', '--network', 'none', PROBE_IMAGE, 'node', '-e', '0'], 60_000);
    return await podman(['version', '--format', '{{.Client.Version}}'], 30_000);
  } catch (error) {
    const reason = error instanceof Error ? error.message.trim().split('\n').pop() : String(error);
    throw new Error(
      `podman cannot run a container here (${reason}); run \`npm run containers:engine\` as root first`,
    );
  }
}

/** Names of the stack's containers for one service, e.g. `imgcls-ctest_worker_1`. */
export async function containers(stack: ComposeStack, service?: string): Promise<string[]> {
  const filters = ['--filter', `label=io.podman.compose.project=${stack.project}`];
  if (service !== undefined)
    filters.push('--filter', `label=com.docker.compose.service=${service}`);
  const out = await podman(['ps', '-a', ...filters, '--format', '{{.Names}}']);
  return out === '' ? [] : out.split('\n').sort();
}

export interface ContainerState {
  running: boolean;
  exitCode: number;
  env: string[];
  memoryLimitBytes: number;
  stopTimeoutS: number;
}

export async function inspect(name: string): Promise<ContainerState> {
  const [raw] = JSON.parse(await podman(['container', 'inspect', name])) as {
    State: { Running: boolean; ExitCode: number };
    Config: { Env: string[]; StopTimeout: number };
    HostConfig: { Memory: number };
  }[];
  if (raw === undefined) throw new Error(`no container ${name}`);
  return {
    running: raw.State.Running,
    exitCode: raw.State.ExitCode,
    env: raw.Config.Env,
    memoryLimitBytes: raw.HostConfig.Memory,
    stopTimeoutS: raw.Config.StopTimeout,
  };
}

/** The real uid of the container's PID 1, read from /proc inside it. */
export async function pid1Uid(name: string): Promise<number> {
  const status = await podman(['exec', name, 'cat', '/proc/1/status']);
  const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
  if (uid === undefined) throw new Error(`no Uid line in ${name}'s /proc/1/status`);
  return Number(uid);
}

/**
 * Runs the container's own compose healthcheck until it passes. podman 4.3 schedules checks
 * with systemd timers, which these machines lack, so the test runs each one itself.
 */
export async function waitHealthy(name: string, timeoutMs: number): Promise<number> {
  const startedMs = Date.now();
  for (;;) {
    const ok = await podman(['healthcheck', 'run', name], 30_000).then(
      () => true,
      () => false,
    );
    if (ok) return Date.now() - startedMs;
    if (Date.now() - startedMs > timeoutMs) {
      const logs = await podman(['logs', '--tail', '5', name]).catch(() => '');
      throw new Error(`${name} not healthy after ${timeoutMs} ms; last log lines:\n${logs}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** The container's log lines (stdout and stderr), oldest first. */
export async function logLines(name: string): Promise<string[]> {
  const { stdout, stderr } = await run('podman', ['logs', name], { maxBuffer: 64 << 20 });
  return `${stdout}\n${stderr}`.split('\n');
}

/** Job ids a worker logged as succeeded, or only those after the first line containing `after`. */
export function jobsSucceeded(lines: string[], after?: string): string[] {
  const from = after === undefined ? 0 : lines.findIndex((line) => line.includes(after));
  return lines
    .slice(Math.max(from, 0))
    .filter((line) => from >= 0 && line.includes('"msg":"job succeeded"'))
    .map((line) => /"job_id":"([^"]+)"/.exec(line)?.[1] ?? '')
    .filter((id) => id !== '');
}
