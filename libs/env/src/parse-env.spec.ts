import {
  commaList,
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
      'Invalid environment: REDIS_URL="x" is not a redis:// URL (e.g. redis://127.0.0.1:6379); ' +
        'QUEUE_PREFIX="a b" must be 1–64 letters, digits, "_", "-" or "."; ' +
        'MAX_BATCH="0" must be a whole number ≥ 1',
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

  it('splits comma lists and drops blanks', () => {
    const lists = { KEYS: commaList({ default: [] }) };
    expect(parseEnv({ KEYS: ' a, b ,,c ' }, lists).KEYS).toEqual(['a', 'b', 'c']);
    expect(parseEnv({}, lists).KEYS).toEqual([]);
  });
});
