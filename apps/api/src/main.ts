import 'reflect-metadata';
import { StartupError } from '@imgcls/env';
import { loadApiConfig } from './config';
import { createApp } from './create-app';

async function main(): Promise<void> {
  const config = loadApiConfig();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  // The real address, so that PORT=0 (tests) can be read back.
  console.log(`api listening on ${await app.getUrl()}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof StartupError ? error.message : error);
  process.exit(1);
});
