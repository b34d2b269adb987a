import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  accepted,
  apiError,
  classifyResponse,
  jobState,
  multipartFile,
  ok,
  startFakeApi,
  type FakeApi,
  type Reply,
  type SeenRequest,
} from '../test/fake-api';
import { runCli } from './run-cli';

/** A stand-in for stdout or stderr that keeps what is written. */
const sink = (isTTY = false) => ({
  text: '',
  isTTY,
  columns: 100,
  write(text: string) {
    this.text += text;
  },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The api of the contract. A file's bytes say how to answer: `<class name> <delay ms>`, or `BAD`.
 * In async mode each job is `running` once, then `succeeded`.
 */
function contractApi(inFlight: { now: number; max: number }) {
  const jobs = new Map<string, { polls: number; result: Reply }>();
  return async (request: SeenRequest): Promise<Reply> => {
    if (request.method === 'GET') {
      const job = jobs.get(request.path.replace('/jobs/', ''));
      if (!job) return apiError(404, 'NOT_FOUND', `no job ${request.path}`);
      return job.polls++ === 0 ? jobState('j', 'running') : job.result;
    }
    const [name = '', delayMs = '0'] = multipartFile(request.body)?.bytes.split(' ') ?? [];
    if (name === 'BAD') return apiError(415, 'UNSUPPORTED_FORMAT', 'the upload is text');
    inFlight.max = Math.max(inFlight.max, ++inFlight.now);
    await sleep(Number(delayMs));
    inFlight.now--;
    const jobId = `job-${name}`;
    if (request.headers['prefer'] !== 'respond-async') return ok(classifyResponse(jobId, name));
    const result = jobState(jobId, 'succeeded', { result: classifyResponse(jobId, name) });
    jobs.set(jobId, { polls: 0, result });
    return accepted(jobId);
  };
}

describe('classify CLI', () => {
  let root = '';
  let api: FakeApi;
  const inFlight = { now: 0, max: 0 };
  const run = async (argv: string[], tty = false) => {
    const [stdout, stderr] = [sink(tty), sink(tty)];
    const env = { IMGCLS_URL: api.url, IMGCLS_API_KEY: 'secret' };
    const status = await runCli(argv, { stdout, stderr, env });
    return { status, stdout: stdout.text, stderr: stderr.text };
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'imgcls-cli-'));
    const photos = {
      '1.jpg': 'tench 60',
      '2.png': 'goldfish 0',
      '3.gif': 'BAD',
      '4.webp': 'shark 5',
    };
    await mkdir(join(root, 'photos'));
    await mkdir(join(root, 'empty'));
    for (const [file, bytes] of Object.entries(photos)) {
      await writeFile(join(root, 'photos', file), bytes);
    }
    api = await startFakeApi(contractApi(inFlight));
  });
  afterAll(async () => {
    await api.close();
    await rm(root, { recursive: true, force: true });
  });
  beforeEach(() => Object.assign(inFlight, { now: 0, max: 0 }));

  it('writes JSON lines in the order of the files, reports errors and exits 1', async () => {
    const { status, stdout, stderr } = await run(['-c', '2', '-f', 'jsonl', join(root, 'photos')]);
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line['file'], line['class_name'] ?? line['error']])).toEqual([
      [join(root, 'photos/1.jpg'), 'tench'],
      [join(root, 'photos/2.png'), 'goldfish'],
      [join(root, 'photos/3.gif'), { code: 'UNSUPPORTED_FORMAT', message: 'the upload is text' }],
      [join(root, 'photos/4.webp'), 'shark'],
    ]);
    expect(inFlight.max).toBe(2);
    expect(status).toBe(1);
    expect(stderr).toContain(
      `error: ${join(root, 'photos/3.gif')}: UNSUPPORTED_FORMAT: the upload is text\n`,
    );
    expect(stderr).toMatch(/\n?4 files, 1 error, \d+\.\d\d s, \d+\.\d\d img\/s\n$/);
    expect(stderr).not.toContain('\r');
    expect(api.requests.every((request) => request.headers['x-api-key'] === 'secret')).toBe(true);
  });

  it('prints a table and exits 0 when every file is classified, in async mode too', async () => {
    const files = ['photos/1.jpg', 'photos/2.png'].map((file) => join(root, file));
    for (const mode of ['sync', 'async']) {
      const { status, stdout } = await run(['--mode', mode, '--top-k', '3', ...files]);
      expect(stdout.split('\n').map((line) => line.replace(/^\S+\s+/, ''))).toEqual([
        'CLASS_ID   CLASS_NAME  PROBABILITY',
        'n01440764  tench       0.9000',
        'n01440764  goldfish    0.9000',
        '',
      ]);
      expect(status).toBe(0);
    }
    const posts = api.requests.filter((request) => request.method === 'POST').slice(-4);
    expect(
      posts.map(
        (request) => `${request.headers['prefer'] ?? 'sync'} ${request.query.get('top_k')}`,
      ),
    ).toEqual(['sync 3', 'sync 3', 'respond-async 3', 'respond-async 3']);
  });

  it('draws a progress bar on a terminal and clears it before the summary', async () => {
    const { status, stderr } = await run(['-f', 'csv', join(root, 'photos/2.png')], true);
    expect(status).toBe(0);
    expect(stderr).toContain('\r\x1b[K[..............................] 0/1 (0%)');
    expect(stderr).toContain('[##############################] 1/1 (100%)');
    expect(stderr).toMatch(/\r\x1b\[K1 file, 0 errors, .*\n$/);
  });

  it('reports a path that does not exist as a failed file', async () => {
    const missing = join(root, 'nope.jpg');
    const { status, stdout } = await run(['-f', 'csv', missing, join(root, 'photos/2.png')]);
    expect(stdout.split('\n').slice(1, 3)).toEqual([
      `${missing},,,,ENOENT,"no such file or directory, stat '${missing}'"`,
      `${join(root, 'photos/2.png')},n01440764,goldfish,0.9,,`,
    ]);
    expect(status).toBe(1);
  });

  it.each([
    [['--format', 'xml', 'a.jpg'], '--format "xml" is not one of'],
    [[], 'no files or folders given'],
  ])('exits 2 with the usage for %j', async (argv, message) => {
    const { status, stdout, stderr } = await run(argv);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`classify: ${message}`);
    expect(stderr).toContain('Usage: classify [options] <files or folders...>');
  });

  it('exits 2 when the folders hold no images', async () => {
    const { status, stderr } = await run([join(root, 'empty')]);
    expect(status).toBe(2);
    expect(stderr).toContain('no .jpg, .jpeg, .png, .webp, .gif or .bmp files in');
  });

  it('prints the usage on stdout for --help', async () => {
    const { status, stdout } = await run(['--help']);
    expect(status).toBe(0);
    expect(stdout).toContain('--concurrency N');
  });
});
