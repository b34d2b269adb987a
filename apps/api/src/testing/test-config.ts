import { TEST_REDIS_URL, testPrefix } from '@imgcls/testing';
import { loadApiConfig, type ApiConfig } from '../config';

/** The api's configuration on the test Redis, under a fresh QUEUE_PREFIX; `env` overrides. */
export function testApiConfig(label: string, env: Record<string, string> = {}): ApiConfig {
  return loadApiConfig({ REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: testPrefix(label), ...env });
}
