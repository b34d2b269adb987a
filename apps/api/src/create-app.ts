import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import type { ApiConfig } from './config';
import { setupDocs } from './docs/setup-docs';
import { ErrorFilter } from './errors/error.filter';
import { HardenedExpressAdapter } from './http/hardened-express-adapter';
import { ApiMetrics } from './observability/api-metrics';
import { NestPinoLogger } from './observability/logger';
import { JobEvents } from './queue/job-events';

const READY_WAIT_MS = 5_000;
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Builds the api exactly as production runs it; main.ts and the tests both call this, so the
 * tests exercise the real filters and limits.
 */
export async function createApp(
  config: ApiConfig,
  logger: Logger,
): Promise<NestExpressApplication> {
  const adapter = new HardenedExpressAdapter(config);
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forConfig(config, logger),
    adapter,
    {
      // Uploads are read by UploadReader with their own limits; no global body parser.
      bodyParser: false,
      logger: new NestPinoLogger(logger),
    },
  );
  configureApp(app, config);
  setupDocs(app);
  const metrics = app.get(ApiMetrics);
  adapter.onNodeRefusal(({ status, code, reason, remoteAddress }) => {
    metrics.refused(code);
    logger.warn(
      { status, error_code: code, reason, remote_address: remoteAddress },
      'request refused by Node',
    );
  });
  // With Redis away at boot the api still starts (and answers 503) rather than hang.
  await Promise.race([app.get(JobEvents).ready(), delay(READY_WAIT_MS)]);
  return app;
}

export function configureApp(app: NestExpressApplication, config: ApiConfig): void {
  app.disable('x-powered-by');
  app.use(helmet());
  // CORS stays off (no Access-Control-* headers at all) unless origins are listed.
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      // A function, not a list: for an unlisted origin `cors` then adds no header at all
      // (given a list, it still answers preflights with the allowed methods and headers).
      origin: (
        origin: string | undefined,
        allow: (error: Error | null, allowed: boolean) => void,
      ) => allow(null, origin !== undefined && config.corsOrigins.includes(origin)),
      methods: ['GET', 'POST'],
      allowedHeaders: ['content-type', 'prefer', 'x-api-key', 'authorization', 'x-request-id'],
      exposedHeaders: ['location', 'retry-after', 'x-request-id'],
    });
  }
  app.useGlobalFilters(new ErrorFilter());
}
