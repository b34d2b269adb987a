import { StartupError } from '@imgcls/env';
import { envExample, readmeVariables } from '@imgcls/testing';
import { API_VARIABLES, loadApiConfig } from './config';

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
        'Invalid environment: REDIS_URL="x" is not a redis:// URL (e.g. REDIS_URL=redis://127.0.0.1:6379); ' +
          'MAX_UPLOAD_BYTES="ten" must be a whole number ≥ 1 (e.g. MAX_UPLOAD_BYTES=10485760)',
      ),
    );
  });

  it('refuses a TOP_K above what a request may ask for, and an impossible HOST', () => {
    expect(() => loadApiConfig({ TOP_K: '50', HOST: '0.0.0.0.0' })).toThrow(
      'HOST="0.0.0.0.0" must be an IP address or a host name (0.0.0.0 listens on every interface) ' +
        '(e.g. HOST=127.0.0.1); TOP_K="50" must be a whole number from 1 to 20 (e.g. TOP_K=5)',
    );
  });
});

describe('the documented configuration', () => {
  it('.env.example holds exactly the defaults, and the README names every variable', () => {
    const example = envExample();
    expect(loadApiConfig(example)).toEqual(loadApiConfig({}));
    const documented = readmeVariables();
    for (const name of Object.keys(example))
      expect([name, documented.has(name)]).toEqual([name, true]);
    for (const name of API_VARIABLES) expect([name, name in example]).toEqual([name, true]);
  });
});
