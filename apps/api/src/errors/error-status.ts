import { ERROR_CODES, type ErrorCode } from '@imgcls/contracts';

/** The one place where an error code becomes an HTTP status. */
export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case 'INVALID_REQUEST':
    case 'INVALID_IMAGE':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'NOT_FOUND':
      return 404;
    case 'REQUEST_TIMEOUT':
      return 408;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
    case 'UNSUPPORTED_FORMAT':
      return 415;
    case 'IMAGE_TOO_LARGE':
    case 'IMAGE_TOO_COMPLEX':
      return 422;
    case 'HEADERS_TOO_LARGE':
      return 431;
    case 'INTERNAL':
      return 500;
    case 'QUEUE_FULL':
    case 'UNAVAILABLE':
      return 503;
    case 'TIMEOUT':
      return 504;
  }
}

/** The codes an HTTP status can carry, for the API's description of that status. */
export function codesForHttpStatus(status: number): ErrorCode[] {
  return ERROR_CODES.filter((code) => httpStatusFor(code) === status);
}

/**
 * Names the errors that Nest and Express raise themselves (no route, a body parser's limit),
 * so that every response carries one of our codes.
 */
export function errorCodeForHttpStatus(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 404 || status === 405) return 'NOT_FOUND';
  if (status === 408) return 'REQUEST_TIMEOUT';
  if (status === 431) return 'HEADERS_TOO_LARGE';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (status === 503) return 'UNAVAILABLE';
  if (status === 504) return 'TIMEOUT';
  return status >= 400 && status < 500 ? 'INVALID_REQUEST' : 'INTERNAL';
}
