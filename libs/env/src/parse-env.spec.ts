import {
  commaList,
  hostAddress,
  intRange,
  oneOf,
  keyPrefix,
  listenPort,
  parseEnv,
  positiveInt,
  redisUrl,
  StartupError,
} from './index';

const specs = {
  PORT: listenPort({ default: 5000 }),
  REDIS_URL: redisUrl({ default: 'redis://127.0.0.1:6379' }),
  QUEUE_PREFIX: keyPrefix({ default: 'imgcls' }),
  MAX_BATCH: positiveInt({ default: 4 }),
};

describe('parseEnv', () => {
  it('applies the defaults', () => {
    expect({ ...parseEnv({}, specs) }).toEqual({
      PORT: 5000,
      REDIS_URL: 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: 'imgcls',
      MAX_BATCH: 4,
    });
  });

  it('parses given values', () => {
    const env = parseEnv({ PORT: '8080', REDIS_URL: 'rediss://h:1/2', MAX_BATCH: '8' }, specs);
    expect(env.PORT).toBe(8080);
    expect(env.REDIS_URL).toBe('rediss://h:1/2');
    expect(env.MAX_BATCH).toBe(8);
  });

  it('names every bad variable, its value and the fix in one message', () => {
    const parse = () =>
      parseEnv({ REDIS_URL: 'x', QUEUE_PREFIX: 'a b', MAX_BATCH: '0', PORT: '5000' }, specs);
    expect(parse).toThrow(StartupError);
    expect(parse).toThrow(
      'Invalid environment: REDIS_URL="x" is not a redis:// URL (e.g. REDIS_URL=redis://127.0.0.1:6379); ' +
        'QUEUE_PREFIX="a b" must be 1–64 letters, digits, "_", "-" or "." (e.g. QUEUE_PREFIX=imgcls); ' +
        'MAX_BATCH="0" must be a whole number ≥ 1 (e.g. MAX_BATCH=4)',
    );
  });

  it.each(['1.5', '-3', '12abc', ''])('refuses %p as a positive integer', (value) => {
    expect(() => parseEnv({ MAX_BATCH: value }, specs)).toThrow('MAX_BATCH=');
  });

  it('accepts port 0 (pick a free port) and refuses ports out of range', () => {
    expect(parseEnv({ PORT: '0' }, specs).PORT).toBe(0);
    expect(() => parseEnv({ PORT: '65536' }, specs)).toThrow('PORT="65536" must be a port number');
  });

  it('refuses a non-redis URL', () => {
    expect(() => parseEnv({ REDIS_URL: 'http://127.0.0.1:6379' }, specs)).toThrow(
      'REDIS_URL="http://127.0.0.1:6379" is not a redis:// URL',
    );
  });

  it('checks bounds, words and host addresses with what is allowed', () => {
    const more = {
      TOP_K: intRange(1, 20)({ default: 5 }),
      LEVEL: oneOf(['info', 'warn'] as const)({ default: 'info' }),
      HOST: hostAddress({ default: '127.0.0.1' }),
    };
    expect(() => parseEnv({ TOP_K: '50', LEVEL: 'loud', HOST: '0.0.0.0.0' }, more)).toThrow(
      'Invalid environment: TOP_K="50" must be a whole number from 1 to 20 (e.g. TOP_K=5); ' +
        'LEVEL="loud" must be one of info, warn (e.g. LEVEL=info); ' +
        'HOST="0.0.0.0.0" must be an IP address or a host name (0.0.0.0 listens on every interface) (e.g. HOST=127.0.0.1)',
    );
    for (const host of ['0.0.0.0', '::', 'localhost', 'api.internal', 'redis-1'])
      expect(parseEnv({ HOST: host }, more).HOST).toBe(host);
    for (const host of ['999.1.1.1', 'a b', '-x', 'x..y'])
      expect(() => parseEnv({ HOST: host }, more)).toThrow(`HOST="${host}"`);
  });

  it('splits comma lists and drops blanks', () => {
    const lists = { KEYS: commaList({ default: [] }) };
    expect(parseEnv({ KEYS: ' a, b ,,c ' }, lists).KEYS).toEqual(['a', 'b', 'c']);
    expect(parseEnv({}, lists).KEYS).toEqual([]);
  });
});
