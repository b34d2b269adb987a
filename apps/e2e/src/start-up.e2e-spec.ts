import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import {
  API_MAIN,
  deleteKeysWithPrefix,
  REPO_ROOT,
  ServiceProcess,
  testPrefix,
} from '@imgcls/testing';

/** Runs a command in the repository, as a user types it; resolves with its exit and output. */
function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('start-up mistakes', () => {
  it('`npm start` names every bad variable of both apps, on one screen, and starts nothing', async () => {
    const { code, stdout, stderr } = await run('npm', ['start'], {
      NX_DAEMON: 'false',
      // Two of the api's, two of the worker's.
      PORT: 'abc',
      MAX_UPLOAD_BYTES: '10MB',
      WORKER_CONCURRENCY: '0',
      INFERENCE_THREADS: 'x',
    });
    expect(code).not.toBe(0);
    expect(stderr).toContain(
      'api: Invalid environment: PORT="abc" must be a port number from 0 to 65535',
    );
    expect(stderr).toContain(
      'MAX_UPLOAD_BYTES="10MB" must be a whole number ≥ 1 (e.g. MAX_UPLOAD_BYTES=10485760)',
    );
    expect(stderr).toContain('worker: Invalid environment: INFERENCE_THREADS="x"');
    expect(stderr).toContain(
      'WORKER_CONCURRENCY="0" must be a whole number ≥ 1 (e.g. WORKER_CONCURRENCY=4)',
    );
    expect(stderr).toContain('Nothing was started');
    expect(`${stdout}${stderr}`.split('\n').length).toBeLessThanOrEqual(50);
    expect(stdout).not.toContain('"msg":"api listening');
  });

  it('a busy port gives one line naming it and how to choose another', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const prefix = testPrefix('busy-port');
    try {
      const env = { ...process.env, PORT: String(port), QUEUE_PREFIX: prefix };
      const api = ServiceProcess.start('api', API_MAIN, env);
      expect(await api.exited).toBe(1);
      const lines = api.log.trim().split('\n');
      expect(lines).toEqual([
        `PORT=${port}: 127.0.0.1:${port} is already in use by another program; stop it, or ` +
          `choose another port, e.g. PORT=${port + 1} (PORT=0 picks a free one)`,
      ]);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
      // The queue writes its meta key before the port is known to be taken.
      await deleteKeysWithPrefix(prefix);
    }
  });
});
