import { ERROR_CODES } from '@imgcls/contracts';
import { codesForHttpStatus, errorCodeForHttpStatus, httpStatusFor } from './error-status';

describe('httpStatusFor', () => {
  it('gives every error code a 4xx or 5xx status', () => {
    for (const code of ERROR_CODES) {
      const status = httpStatusFor(code);
      expect(status >= 400 && status < 600).toBe(true);
    }
  });

  it.each([
    ['INVALID_REQUEST', 400],
    ['INVALID_IMAGE', 400],
    ['UNSUPPORTED_FORMAT', 415],
    ['PAYLOAD_TOO_LARGE', 413],
    ['IMAGE_TOO_LARGE', 422],
    ['IMAGE_TOO_COMPLEX', 422],
    ['UNAVAILABLE', 503],
    ['TIMEOUT', 504],
  ] as const)('maps %s to %i', (code, status) => {
    expect(httpStatusFor(code)).toBe(status);
  });

  it('names the errors Nest raises itself with our codes, and back to the same class', () => {
    expect(errorCodeForHttpStatus(404)).toBe('NOT_FOUND');
    expect(errorCodeForHttpStatus(413)).toBe('PAYLOAD_TOO_LARGE');
    expect(errorCodeForHttpStatus(400)).toBe('INVALID_REQUEST');
    expect(errorCodeForHttpStatus(502)).toBe('INTERNAL');
    for (const status of [400, 404, 413, 415, 503, 504]) {
      expect(httpStatusFor(errorCodeForHttpStatus(status))).toBe(status);
    }
  });
});

describe('codesForHttpStatus', () => {
  it('lists the codes each status carries, from the same mapping', () => {
    expect(codesForHttpStatus(503)).toEqual(['QUEUE_FULL', 'UNAVAILABLE']);
    expect(codesForHttpStatus(415)).toEqual(['UNSUPPORTED_MEDIA_TYPE', 'UNSUPPORTED_FORMAT']);
    expect(codesForHttpStatus(418)).toEqual([]);
  });
});
