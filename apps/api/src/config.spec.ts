import { StartupError } from '@imgcls/env';
import { loadApiConfig } from './config';

describe('loadApiConfig', () => {
  it('defaults to a safe local setup', () => {
    const config = loadApiConfig({});
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(5000);
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.maxUploadBytes).toBe(10 * 1024 * 1024);
    expect(config.resultTtlS).toBe(3600);
  });

  it('names each bad variable in one startup error', () => {
    expect(() => loadApiConfig({ REDIS_URL: 'x', MAX_UPLOAD_BYTES: 'ten' })).toThrow(
      new StartupError(
        'Invalid environment: REDIS_URL="x" is not a redis:// URL (e.g. redis://127.0.0.1:6379); ' +
          'MAX_UPLOAD_BYTES="ten" must be a whole number ≥ 1',
      ),
    );
  });
});
