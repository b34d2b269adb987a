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

/**
 * Calls `stop` once on the first SIGTERM or SIGINT and exits 0 when it is done; a second
 * signal while stopping is ignored, so an orchestrator's repeat cannot cut a drain short.
 */
export function onShutdownSignal(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
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
