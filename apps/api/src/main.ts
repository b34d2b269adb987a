import 'reflect-metadata';
import { listenError, onShutdownSignal, runMain } from '@imgcls/env';
import { loadApiConfig } from './config';
import { createApp } from './create-app';
import { createApiLogger } from './observability/logger';

async function main(): Promise<void> {
  const config = loadApiConfig();
  // `npm start` checks both apps' environment before starting either.
  if (process.argv.includes('--check-env')) return;
  const logger = createApiLogger(config.logLevel);
  const app = await createApp(config, logger);
  // Not listening, it holds nothing to drain: runMain prints the line and exits at once, with
  // no wait for the queues to finish starting (QueueConnection's shutdown would wait for them).
  await app.listen(config.port, config.host).catch((error: unknown) => {
    throw listenError(error, 'PORT', config.port, config.host);
  });
  // The real address, so that PORT=0 (tests) can be read back; the URL ends the line for
  // people reading the log.
  const url = await app.getUrl();
  logger.info({ url }, `api listening on ${url}`);

  onShutdownSignal(
    async () => {
      logger.info('api stopping: answering the requests in flight');
      // close() runs the drain (stop accepting, finish in-flight requests), then closes Redis.
      await app.close();
    },
    {
      timeoutMs: config.shutdownTimeoutMs,
      abandoned: () => 'the requests still in flight get no answer',
      log: (line) => logger.warn(line),
    },
  );
}

runMain(main);
