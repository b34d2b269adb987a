/** The first retry comes after this long; each next one waits twice as long, up to the cap. */
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

/** Delay before reconnect attempt number `attempt` (1, 2, …): 1 s, 2 s, 4 s, … 30 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
}

/** A Redis URL fit for a log line: the password, if any, is masked. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return 'the configured REDIS_URL';
  }
}

/**
 * An ioredis `retryStrategy` that backs off to one attempt every 30 s and reports each one as
 * one line that says which URL was tried and what to check. Give it to one connection per
 * process (the others back off silently with {@link reconnectDelayMs}), so that an outage
 * costs a handful of log lines, not hundreds.
 */
export function loggedReconnect(
  redisUrl: string,
  warn: (line: string) => void,
): (attempt: number) => number {
  const where = redactRedisUrl(redisUrl);
  return (attempt) => {
    const delayMs = reconnectDelayMs(attempt);
    warn(
      `redis at ${where} is unreachable; reconnect attempt ${attempt} in ${delayMs / 1000} s. ` +
        'Is redis-server running there? Check REDIS_URL (e.g. redis://127.0.0.1:6379).',
    );
    return delayMs;
  };
}
