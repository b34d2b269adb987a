import { decodeJobFailure, encodeJobFailure, isErrorCode, ServiceError } from './errors';

describe('job failure encoding', () => {
  it('round-trips a code and a message that itself contains the separator', () => {
    const reason = encodeJobFailure('INVALID_IMAGE', 'cannot decode: truncated JPEG');
    expect(reason).toBe('INVALID_IMAGE: cannot decode: truncated JPEG');
    const decoded = decodeJobFailure(reason);
    expect(decoded).toBeInstanceOf(ServiceError);
    expect(decoded.code).toBe('INVALID_IMAGE');
    expect(decoded.message).toBe('cannot decode: truncated JPEG');
  });

  it.each([undefined, '', 'Error: connect ECONNREFUSED 127.0.0.1:6379', 'NOT_A_CODE: x', ': x'])(
    'hides an unrecognised failure %p behind INTERNAL',
    (reason) => {
      const decoded = decodeJobFailure(reason);
      expect(decoded.code).toBe('INTERNAL');
      expect(decoded.message).not.toContain('127.0.0.1');
    },
  );

  it('recognises only the listed codes', () => {
    expect(isErrorCode('TIMEOUT')).toBe(true);
    expect(isErrorCode('timeout')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });
});
