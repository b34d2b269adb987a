import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { ServiceError } from '@imgcls/contracts';
import type { NextFunction, Request, Response } from 'express';
import { API_CONFIG, type ApiConfig } from '../config';

/**
 * Node bounds the headers' bytes; this bounds their number (Node would silently drop extras)
 * and asks for the Host header HTTP/1.1 requires.
 */
@Injectable()
export class HeaderLimitMiddleware implements NestMiddleware {
  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {}

  use(req: Request, _res: Response, next: NextFunction): void {
    const count = req.rawHeaders.length / 2;
    if (count > this.config.maxHeaderCount) {
      throw new ServiceError(
        'HEADERS_TOO_LARGE',
        `the request has ${count} headers; the limit is ${this.config.maxHeaderCount}`,
      );
    }
    if (req.httpVersion === '1.1' && req.headers.host === undefined) {
      throw new ServiceError('INVALID_REQUEST', 'an HTTP/1.1 request needs a Host header');
    }
    next();
  }
}
