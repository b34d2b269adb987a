import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, samplePhotos, sharedDir } from '@imgcls/testing';
import { startStack, type Stack } from './support/stack';

const run = promisify(execFile);

/** The typed client's CLI and the Python client, against a real stack (test model). */
describe('the clients', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ workers: 2 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('classify CLI: all 200 shared photos, each with its class, and a summary with 0 errors', async () => {
    const cli = join(REPO_ROOT, 'libs/client/src/cli/main.ts');
    const tsx = join(REPO_ROOT, 'node_modules/.bin/tsx');
    const images = join(sharedDir(), 'images');
    const { stdout, stderr } = await run(
      tsx,
      [
        '--tsconfig',
        join(REPO_ROOT, 'libs/client/tsconfig.json'),
        cli,
        '--url',
        stack.url,
        '--format',
        'jsonl',
        '--concurrency',
        '4',
        images,
      ],
      { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 },
    );
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { file: string; class_id?: string });
    const expected = new Map(samplePhotos().map((p) => [p.file, p.wnid]));
    expect(lines).toHaveLength(200);
    for (const line of lines) {
      expect([line.file, line.class_id]).toEqual([
        line.file,
        expected.get(line.file.split('/').at(-1) ?? ''),
      ]);
    }
    expect(stderr).toMatch(/200 files, 0 errors/);
  }, 180_000);

  it('python3 tools/client.py prints the class id and name', async () => {
    const tench = samplePhotos()[0]?.path ?? '';
    const { stdout } = await run('python3', [
      join(REPO_ROOT, 'tools/client.py'),
      tench,
      '--url',
      stack.url,
    ]);
    expect(stdout.trim()).toBe('n01440764 tench');
  });
});
