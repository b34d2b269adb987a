import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type NestMiddleware,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ServiceError } from '@imgcls/contracts';
import type { NextFunction, Request, Response } from 'express';
import type { Server } from 'node:http';
import { API_CONFIG, type ApiConfig } from '../config';

/**
 * Graceful shutdown for the HTTP side. On SIGTERM: stop accepting connections, refuse new
 * requests on kept-alive ones, and let the requests already waiting for their jobs get their
 * answers; only then may the queue connections close (Nest runs this hook before those).
 */
@Injectable()
export class ShutdownDrain implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ShutdownDrain.name);
  private inFlight = 0;
  private draining = false;
  private idle: (() => void) | undefined;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Counts a request until its response closes; refuses it while draining. */
  admit(res: Response): void {
    if (this.draining) {
      res.setHeader('Connection', 'close');
      throw new ServiceError('UNAVAILABLE', 'the server is shutting down; retry shortly');
    }
    this.inFlight++;
    res.once('close', () => {
      this.inFlight--;
      if (this.inFlight === 0) this.idle?.();
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.draining = true;
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    server.close();
    server.closeIdleConnections();
    if (this.inFlight === 0) return;
    this.logger.log(`draining: ${this.inFlight} request(s) in flight`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.config.syncTimeoutMs + 5_000);
      this.idle = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

@Injectable()
export class DrainMiddleware implements NestMiddleware {
  constructor(private readonly drain: ShutdownDrain) {}

  use(_req: Request, res: Response, next: NextFunction): void {
    this.drain.admit(res);
    next();
  }
}
