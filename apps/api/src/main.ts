import 'reflect-metadata';
import { onShutdownSignal, runMain } from '@imgcls/env';
import { loadApiConfig } from './config';
import { createApp } from './create-app';
import { createApiLogger } from './observability/logger';

async function main(): Promise<void> {
  const config = loadApiConfig();
  const logger = createApiLogger(config.logLevel);
  const app = await createApp(config, logger);
  await app.listen(config.port, config.host);
  // The real address, so that PORT=0 (tests) can be read back.
  logger.info({ url: await app.getUrl() }, 'api listening');

  onShutdownSignal(async (signal) => {
    logger.info({ signal }, 'api stopping: answering the requests in flight');
    // close() runs the drain (stop accepting, finish in-flight requests), then closes Redis.
    await app.close();
  });
}

runMain(main);
