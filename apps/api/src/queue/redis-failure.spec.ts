import { ServiceError } from '@imgcls/contracts';
import { queueUnreachable, redisFailure } from './redis-failure';

describe('redisFailure', () => {
  it('reads an OOM refusal as a full queue, anything else as Redis away', () => {
    const oom = new Error("OOM command not allowed when used memory > 'maxmemory'.");
    expect(redisFailure(oom).code).toBe('QUEUE_FULL');
    expect(redisFailure(new Error('Connection is closed.')).code).toBe('UNAVAILABLE');
    expect(redisFailure('not even an Error').code).toBe('UNAVAILABLE');
    expect(queueUnreachable().message).toContain('Redis');
  });

  it('passes a coded error through as it is', () => {
    const coded = new ServiceError('NOT_FOUND', 'no such job');
    expect(redisFailure(coded)).toBe(coded);
  });
});
