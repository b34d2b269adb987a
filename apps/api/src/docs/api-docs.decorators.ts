import { applyDecorators } from '@nestjs/common';
import { ApiResponse, ApiSecurity } from '@nestjs/swagger';
import { componentRef } from '@imgcls/contracts';
import { codesForHttpStatus } from '../errors/error-status';

export const API_KEY_SCHEME = 'api-key';

/**
 * The JSON error responses an operation can give, each with the shared Error schema and the
 * codes that status carries (from the one code → status mapping).
 */
export function ApiErrors(...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: codesForHttpStatus(status).join(' or '),
        schema: componentRef('Error'),
        ...(status === 503 ? { headers: { 'Retry-After': { schema: { type: 'integer' } } } } : {}),
      }),
    ),
  );
}

/** Routes that need an API key when `API_KEYS` is set. */
export const ApiKeyProtected = () => applyDecorators(ApiSecurity(API_KEY_SCHEME), ApiErrors(401));
