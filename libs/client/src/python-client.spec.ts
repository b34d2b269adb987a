import { execFile } from 'node:child_process';
import { IMAGE_FORMATS } from '@imgcls/contracts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
} from './test/fake-api';

// tools/client.py is the stdlib-only Python client: run it as users do, against the contract.
const script = resolve(__dirname, '../../../tools/client.py');

/** Runs the script without blocking the event loop: the fake api answers from this process. */
function python(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      'python3',
      [script, ...args],
      { env: { PATH: process.env['PATH'] } },
      (error, stdout, stderr) => {
        done({ status: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}

describe('tools/client.py', () => {
  let folder = '';
  let photo = '';
  let api: FakeApi | undefined;
  let replies: Reply[] = [];
  const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'imgcls-py-'));
    photo = join(folder, 'fish.jpg');
    await writeFile(photo, bytes);
    api = await startFakeApi(() => replies.shift() ?? apiError(500, 'INTERNAL', 'no reply left'));
  });
  afterAll(async () => {
    await api?.close();
    await rm(folder, { recursive: true, force: true });
  });
  beforeEach(() => api?.requests.splice(0));

  it('posts the file as the multipart field "file" and prints its class id and name', async () => {
    replies = [ok(classifyResponse('j1'))];
    const { status, stdout, stderr } = await python([photo, '--url', `${api?.url}/`]);
    expect({ status, stdout, stderr }).toEqual({
      status: 0,
      stdout: 'n01440764 tench\n',
      stderr: '',
    });
    const [post] = api?.requests ?? [];
    expect(`${post?.method} ${post?.path}`).toBe('POST /run_inference');
    expect(post?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=[0-9a-f]{32}$/);
    expect(post && multipartFile(post.body)).toEqual({
      disposition: 'name="file"; filename="fish.jpg"',
      type: 'image/jpeg',
      bytes: bytes.toString('latin1'),
    });
  });

  it('prints the whole answer with --json, polling a job the api handed back', async () => {
    replies = [
      accepted('j2'),
      jobState('j2', 'running'),
      jobState('j2', 'succeeded', { result: classifyResponse('j2') }),
    ];
    const { status, stdout } = await python([
      photo,
      '--url',
      api?.url ?? '',
      '--json',
      '--api-key',
      'k',
    ]);
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual(classifyResponse('j2'));
    expect(
      api?.requests.map(
        (request) => `${request.method} ${request.path} ${request.headers['x-api-key']}`,
      ),
    ).toEqual(['POST /run_inference k', 'GET /jobs/j2 k', 'GET /jobs/j2 k']);
  });

  it('prints an error answer as "error: CODE: message" on stderr and exits 1', async () => {
    replies = [
      apiError(415, 'UNSUPPORTED_FORMAT', 'the upload is TIFF; allowed: JPEG, PNG, WebP, GIF'),
    ];
    const { status, stdout, stderr } = await python([photo, '--url', api?.url ?? '']);
    expect({ status, stdout, stderr }).toEqual({
      status: 1,
      stdout: '',
      stderr: 'error: UNSUPPORTED_FORMAT: the upload is TIFF; allowed: JPEG, PNG, WebP, GIF\n',
    });
  });

  it('reports a failed job with its code', async () => {
    const failed = jobState('j3', 'failed', {
      error: { code: 'INVALID_IMAGE', message: 'truncated JPEG' },
    });
    replies = [accepted('j3'), failed];
    const { status, stderr } = await python([photo, '--url', api?.url ?? '']);
    expect({ status, stderr }).toEqual({
      status: 1,
      // It says why it waits before the job ends.
      stderr:
        'queued as job j3; waiting up to 120 s (--timeout)\nerror: INVALID_IMAGE: truncated JPEG\n',
    });
  });

  it.each(
    Object.values(IMAGE_FORMATS).flatMap(({ mediaType, extensions }) =>
      extensions.map((extension) => [extension, mediaType] as const),
    ),
  )('labels a .%s upload %s, as the api lists the format', async (extension, mediaType) => {
    const file = join(folder, `photo.${extension.toUpperCase()}`);
    await writeFile(file, bytes);
    replies = [ok(classifyResponse('j3'))];
    expect((await python([file, '--url', api?.url ?? ''])).status).toBe(0);
    const [post] = api?.requests ?? [];
    expect(post && multipartFile(post.body)?.type).toBe(mediaType);
  });
});
