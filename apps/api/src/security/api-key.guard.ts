import {
  Inject,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ServiceError } from '@imgcls/contracts';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { API_CONFIG, type ApiConfig } from '../config';

const PUBLIC = 'imgcls:public';
/** Marks a route that needs no API key (probes, the page). */
export const Public = () => SetMetadata(PUBLIC, true);

const digest = (key: string): Buffer => createHash('sha256').update(key).digest();

/**
 * With `API_KEYS` set, every route but the public ones needs `X-Api-Key: <key>` or
 * `Authorization: Bearer <key>`. Keys are compared as SHA-256 digests in constant time, so
 * neither a key's content nor its length leaks through timing.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: Buffer[];

  constructor(
    @Inject(API_CONFIG) config: ApiConfig,
    private readonly reflector: Reflector,
  ) {
    this.keys = config.apiKeys.map(digest);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.keys.length === 0) return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const given = presentedKey(context.switchToHttp().getRequest<Request>());
    if (given === undefined)
      throw new ServiceError('UNAUTHORIZED', 'an API key is required (X-Api-Key header)');
    const candidate = digest(given);
    // Every key is compared, match or not, so the time taken says nothing about which matched.
    const matches = this.keys.reduce(
      (found, key) => timingSafeEqual(key, candidate) || found,
      false,
    );
    if (!matches) throw new ServiceError('UNAUTHORIZED', 'the API key is not valid');
    return true;
  }
}

function presentedKey(req: Request): string | undefined {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header.length > 0) return header;
  const authorization = req.headers.authorization;
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return bearer;
}
