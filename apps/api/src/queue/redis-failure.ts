import { ServiceError } from '@imgcls/contracts';

/**
 * What a failed Redis call means for the client. Redis names its refusals by the first word of
 * the reply; "OOM" is a write refused at `maxmemory`: the queue is full (503 QUEUE_FULL, come
 * back later), not broken. Anything else is Redis being away (503 UNAVAILABLE).
 */
export function redisFailure(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  if (error instanceof Error && error.message.startsWith('OOM ')) {
    return new ServiceError('QUEUE_FULL', "the queue's storage is full; retry shortly");
  }
  return queueUnreachable();
}

export const queueUnreachable = (): ServiceError =>
  new ServiceError('UNAVAILABLE', 'the job queue (Redis) is unreachable; retry shortly');
