import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './shared-data';

/** The built apps (`nx run-many -t build -p api worker`). */
export const API_MAIN = join(REPO_ROOT, 'dist/apps/api/main.js');
export const WORKER_MAIN = join(REPO_ROOT, 'dist/apps/worker/main.js');

/**
 * The Node flags the api runs with wherever it is started (package.json's scripts and the
 * Dockerfile's api CMD; the compose-file e2e suite checks both): an old generation that starts
 * at 128 MB, so that the objects of requests waiting for their results, promoted before they
 * die, do not set off a full GC every half second. V8 counts the Buffers allocated since the
 * last full GC against that limit too, ~0.4 MB per upload (socket chunks, the file, the Redis
 * command), so at 64 MB a full GC still came every second at 60 uploads/s (docs/benchmarks.md:
 * 128 MB takes 10–15% off the api’s CPU per request). Tests and the benchmark use them too.
 */
export const API_NODE_FLAGS: readonly string[] = ['--initial-old-space-size=128'];

/**
 * The worker's Node flags, set in the same places as the api's, for the same reason: a job's
 * objects that outlive its few milliseconds of decode and inference end up in, and die in, the
 * old generation, which V8 otherwise keeps just above the worker's live ~15 MB: a mark-compact
 * every ~17 photos, 1–2 ms of the worker's CPU per photo at INT8 speed (docs/benchmarks.md,
 * issue 11).
 */
export const WORKER_NODE_FLAGS: readonly string[] = ['--initial-old-space-size=64'];

/** What each built app is started with wherever it runs for real (see compose-file e2e). */
const PRODUCTION_NODE_FLAGS = new Map([
  [API_MAIN, API_NODE_FLAGS],
  [WORKER_MAIN, WORKER_NODE_FLAGS],
]);

export interface ProcessOptions {
  /**
   * How much of the output to keep, from the end. Tests keep every log line of a long suite;
   * the benchmark, which is also the load generator, keeps a short tail to spare the CPU.
   */
  keepChars?: number;
  /**
   * Flags for node itself, before the script. By default the built api and worker get the
   * flags production starts them with (API_NODE_FLAGS, WORKER_NODE_FLAGS), other scripts none.
   */
  nodeFlags?: readonly string[];
}

/** A program (usually a built app) running as its own process, its output kept for reports. */
export class ServiceProcess {
  private output = '';
  readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    keepChars: number,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-keepChars);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** A Node script, such as API_MAIN or WORKER_MAIN (with its production flags). */
  static start(
    name: string,
    main: string,
    env: NodeJS.ProcessEnv,
    options: ProcessOptions = {},
  ): ServiceProcess {
    const flags = options.nodeFlags ?? PRODUCTION_NODE_FLAGS.get(main) ?? [];
    return ServiceProcess.spawn(name, process.execPath, [...flags, main], env, options);
  }

  /** Any program, such as the Python baseline server. */
  static spawn(
    name: string,
    command: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv,
    { keepChars = 8_000_000 }: ProcessOptions = {},
  ): ServiceProcess {
    const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    return new ServiceProcess(name, child, keepChars);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get log(): string {
    return this.output;
  }

  /** Why the process is no longer running, with the end of its output; undefined while it runs. */
  get exitReason(): string | undefined {
    if (this.running) return undefined;
    const how = this.child.signalCode ?? `code ${this.child.exitCode}`;
    return `${this.name} exited (${how}); its last output:\n${this.output.slice(-1_000)}`;
  }

  /** The JSON log lines whose `msg` is `message`. */
  logEntries(message: string): Record<string, unknown>[] {
    return this.output
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes(`"msg":"${message}"`))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Resolves with the first match of `pattern` in the output; fails if the process exits first. */
  async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const match = this.output.match(pattern);
      if (match) return match;
      if (!this.running) throw new Error(`${this.name} exited before ${pattern}:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(
      `${this.name} did not print ${pattern} within ${timeoutMs} ms:\n${this.output}`,
    );
  }

  /** Sends `signal` and waits for the exit; SIGKILL after `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<number | null> {
    if (!this.running) return this.child.exitCode;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
