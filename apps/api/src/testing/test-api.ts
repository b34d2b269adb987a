import { deleteKeysWithPrefix, samplePhotos } from '@imgcls/testing';
import { readFileSync } from 'node:fs';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pino from 'pino';
import type { ApiConfig } from '../config';
import { testApiConfig } from './test-config';
import { createApp } from '../create-app';

/** The api as production builds it (createApp), listening on a free port of loopback. */
export interface TestApi {
  readonly app: NestExpressApplication;
  readonly config: ApiConfig;
  /** e.g. http://127.0.0.1:40123, no trailing slash. */
  readonly url: string;
  /** Closes the app (the drain, then Redis) and deletes every key under its prefix. */
  close(): Promise<void>;
}

/** Starts the api on port 0 with a fresh QUEUE_PREFIX; `env` overrides its variables. */
export async function startTestApi(env: Record<string, string> = {}): Promise<TestApi> {
  const config = testApiConfig('api', env);
  const app = await createApp(config, pino({ level: 'silent' }));
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  let closed = false;
  return {
    app,
    config,
    url,
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      await deleteKeysWithPrefix(config.queuePrefix);
    },
  };
}

/** The first of the shared photos (a JPEG), as an upload's bytes. */
export function photoBytes(): Buffer {
  const [first] = samplePhotos();
  if (first === undefined) throw new Error('the shared photos are missing');
  return readFileSync(first.path);
}

/** POSTs `body` as a raw JPEG to `/run_inference` with the query and headers given. */
export function postImage(
  api: TestApi,
  query: string,
  body: Buffer = photoBytes(),
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${api.url}/run_inference${query}`, {
    method: 'POST',
    headers: { 'content-type': 'image/jpeg', ...headers },
    body,
  });
}

/**
 * Starts the api before the suite's tests and closes it after them; call the returned
 * function inside a test for the running api.
 */
export function useTestApi(env: Record<string, string> = {}): () => TestApi {
  let api: TestApi | undefined;
  beforeAll(async () => {
    api = await startTestApi(env);
  });
  afterAll(async () => {
    await api?.close();
  });
  return () => {
    if (api === undefined) throw new Error('the test api is used outside a test');
    return api;
  };
}
