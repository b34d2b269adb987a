import { StartupError } from './parse-env';

/**
 * Runs an app's main(). A StartupError (bad environment, missing model, wrong checksum) is
 * printed as its one line; anything else with its stack. Either way the process exits 1.
 */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof StartupError ? error.message : error);
    process.exit(1);
  });
}

export interface ShutdownOptions {
  /** After this long the process gives up on an orderly stop and exits 1. */
  timeoutMs: number;
  /** Says what an abandoned stop leaves behind (the jobs in hand, the requests in flight). */
  abandoned: () => string;
  log: (line: string) => void;
}

/**
 * Calls `stop` once on the first SIGTERM or SIGINT and exits 0 when it is done. The stop is
 * bounded: past `timeoutMs` (say, Redis is down and nothing can be handed back) the process
 * exits 1 saying what it abandoned. A second signal ends it at once, the same way.
 */
export function onShutdownSignal(
  stop: (signal: NodeJS.Signals) => Promise<void>,
  options: ShutdownOptions,
): void {
  let stopping = false;
  const abandon = (why: string) => {
    options.log(`${why}; exiting without finishing: ${options.abandoned()}`);
    process.exit(1);
  };
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) return abandon(`second ${signal}`);
    stopping = true;
    options.log(
      `${signal}: stopping (at most SHUTDOWN_TIMEOUT_MS=${options.timeoutMs}; a second signal stops at once)`,
    );
    setTimeout(
      () => abandon(`the orderly stop took over SHUTDOWN_TIMEOUT_MS=${options.timeoutMs}`),
      options.timeoutMs,
    ).unref();
    stop(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}
