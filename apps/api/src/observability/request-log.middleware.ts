import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ApiMetrics } from './api-metrics';
import { API_LOGGER } from './logger';

/** What handlers leave on `res.locals` for the request's log line. */
export interface RequestLocals {
  requestId: string;
  jobId?: string;
  errorCode?: string;
}

/**
 * One JSON log line and one metrics sample per request. The request id (the caller's
 * X-Request-Id when sane, else a new one) is echoed back and travels with the job, so the
 * worker's line for the same job carries it too.
 */
@Injectable()
export class RequestLogMiddleware implements NestMiddleware {
  constructor(
    @Inject(API_LOGGER) private readonly logger: Logger,
    private readonly metrics: ApiMetrics,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    const given = req.headers['x-request-id'];
    const locals = res.locals as RequestLocals;
    locals.requestId =
      typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', locals.requestId);
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      this.metrics.observe(route, req.method, res.statusCode, seconds, locals.errorCode);
      this.logger.info(
        {
          request_id: locals.requestId,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          duration_ms: Math.round(seconds * 1e5) / 100,
          job_id: locals.jobId,
          error_code: locals.errorCode,
        },
        'request',
      );
    });
    next();
  }
}
