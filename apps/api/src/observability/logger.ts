import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

export const API_LOGGER = Symbol('API_LOGGER');

export function createApiLogger(level: string): Logger {
  return pino({ level, base: { service: 'api', pid: process.pid } });
}

/** Nest's start-up chatter (one line per module and route) would bury the listening URL. */
const CHATTY_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
]);

/** Nest's own messages (startup, errors) as JSON lines through the same logger. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    if (context !== undefined && CHATTY_CONTEXTS.has(context)) {
      this.logger.debug({ context }, String(message));
      return;
    }
    this.logger.info({ context }, String(message));
  }

  error(message: unknown, trace?: string, context?: string): void {
    // NestApplication logs a failed listen, which main() reports itself as one line with the fix.
    if (context === 'NestApplication') {
      this.logger.debug({ context, trace }, String(message));
      return;
    }
    this.logger.error({ context, trace }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
