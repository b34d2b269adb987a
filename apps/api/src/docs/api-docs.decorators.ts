import { applyDecorators } from '@nestjs/common';
import { ApiResponse, ApiSecurity } from '@nestjs/swagger';
import { ref } from './schemas';

export const API_KEY_SCHEME = 'api-key';

const ERROR_MEANINGS: Readonly<Record<number, string>> = {
  400: 'INVALID_REQUEST or INVALID_IMAGE',
  401: 'UNAUTHORIZED: API_KEYS is set and the key is missing or wrong',
  404: 'NOT_FOUND',
  408: 'REQUEST_TIMEOUT: the request was not received in time',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE or UNSUPPORTED_FORMAT',
  422: 'IMAGE_TOO_LARGE: pixels, side or aspect ratio over the limits; IMAGE_TOO_COMPLEX: too costly to decode',
  431: 'HEADERS_TOO_LARGE',
  503: 'QUEUE_FULL or UNAVAILABLE; see Retry-After',
  504: 'TIMEOUT: the job passed its deadline before a worker started it',
};

/** The JSON error responses an operation can give, each with the shared Error schema. */
export function ApiErrors(...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: ERROR_MEANINGS[status] ?? 'error',
        schema: ref('Error'),
        ...(status === 503 ? { headers: { 'Retry-After': { schema: { type: 'integer' } } } } : {}),
      }),
    ),
  );
}

/** Routes that need an API key when `API_KEYS` is set. */
export const ApiKeyProtected = () => applyDecorators(ApiSecurity(API_KEY_SCHEME), ApiErrors(401));
