import 'reflect-metadata';
import { StartupError } from '@imgcls/env';
import { loadApiConfig } from './config';
import { createApp } from './create-app';

async function main(): Promise<void> {
  const config = loadApiConfig();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  // The real address, so that PORT=0 (tests) can be read back.
  console.log(`api listening on ${await app.getUrl()}`);

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`api stopping (${signal}): answering the requests in flight`);
    // close() runs the drain (stop accepting, finish in-flight requests), then closes Redis.
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));
}

main().catch((error: unknown) => {
  console.error(error instanceof StartupError ? error.message : error);
  process.exit(1);
});
