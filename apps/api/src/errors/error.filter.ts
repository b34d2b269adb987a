import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import { ServiceError, type ErrorBody } from '@imgcls/contracts';
import type { Request, Response } from 'express';
import { settleConnection } from '../http/lingering-close';
import { errorCodeForHttpStatus, httpStatusFor } from './error-status';

const RETRY_AFTER_S = 1;

/**
 * Turns every error into `{"error": {"code", "message"}}` with its status. Messages of
 * unexpected errors are logged, never sent: a body carries no stack, path or internal id.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body, retryAfterS } = this.describe(exception);
    if (response.headersSent) return;
    (response.locals as { errorCode?: string }).errorCode = body.error.code;
    // A refused body may still be arriving: a small one is discarded and the connection kept;
    // too large a body, or too slow a client, is not worth reading to the end.
    const request = host.switchToHttp().getRequest<Request>();
    settleConnection(request, response, status === 413 || status === 408);
    // Overload and outages are temporary: tell clients when to come back.
    if (status === 503) response.setHeader('Retry-After', String(retryAfterS ?? RETRY_AFTER_S));
    response.status(status).json(body);
  }

  private describe(exception: unknown): { status: number; body: ErrorBody; retryAfterS?: number } {
    if (exception instanceof ServiceError) {
      const { code, message, retryAfterS } = exception;
      return { status: httpStatusFor(code), body: { error: { code, message } }, retryAfterS };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = errorCodeForHttpStatus(status);
      const message = status >= 500 ? 'internal error' : exception.message;
      return { status, body: { error: { code, message } } };
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : exception,
    );
    return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } };
  }
}
