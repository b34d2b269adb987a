import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  editZip,
  editZipPickle,
  legacyCallingGlobal,
  legacyWithLongInteger,
  legacyWithLongPickle,
  legacyWithStorageCount,
  sharedCheckpoint,
} from '@imgcls/testing';

const REPO_ROOT = resolve(__dirname, '..', '..');
const TSX = join(REPO_ROOT, 'node_modules/.bin/tsx');
const CLI = join(__dirname, 'export-onnx.ts');

/** Every kind of hostile checkpoint the issue names, plus pickles built to be slow to parse. */
function hostileCheckpoints(): Record<string, Uint8Array> {
  const legacy = sharedCheckpoint('legacy');
  const bias = [...Buffer.from('classifier.bias')];
  const size = [0x4d, 0xe8, 0x03, 0x4d, 0x00, 0x04]; // classifier.weight's (1000, 1024)
  return {
    'truncated-early.pth': legacy.subarray(0, 50_000),
    'truncated-late.pth': legacy.subarray(0, legacy.length - 1),
    'os-system.pth': legacyCallingGlobal('os', 'system'),
    'oversized-storage.pth': legacyWithStorageCount(2n ** 40n),
    'long-integer.pth': legacyWithLongInteger(2 ** 20),
    'huge-pickle.pth': legacyWithLongPickle(2 ** 21),
    'traversal.pth': editZip((files) => (files['../evil.sh'] = Buffer.from('x'))),
    'missing-key.pth': editZipPickle('classifier.bias', bias, [...bias.slice(0, -1), 0x5f]),
    'wrong-shape.pth': editZipPickle('classifier.weight', size, [...size.slice(0, 4), 0xff, 0x03]),
  };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run export:onnx -- …` without npm: the same script, as its own process. */
function exportOnnx(args: string[]): Promise<Run> {
  const argv = ['--tsconfig', join(REPO_ROOT, 'tools/tsconfig.json'), CLI, ...args];
  return new Promise((done) => {
    execFile(TSX, argv, { cwd: REPO_ROOT }, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('npm run export:onnx', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'export-onnx-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const convert = (weights: Uint8Array) => {
    writeFileSync(join(dir, 'in.pth'), weights);
    const out = join(dir, 'model.onnx');
    return exportOnnx(['--arch', 'densenet121', '--weights', join(dir, 'in.pth'), '--out', out]);
  };

  it('converts the legacy test checkpoint, with a line per stage and a summary', async () => {
    // The shared densenet121-synthetic is a TEST model, not ImageNet-trained.
    const out = join(dir, 'model.onnx');
    const weights = join(REPO_ROOT, '../shared/assets/models/densenet121-synthetic-legacy.pth');
    const run = await exportOnnx(['--arch', 'densenet121', '--weights', weights, '--out', out]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const sha256 = createHash('sha256').update(readFileSync(out)).digest('hex');
    const lines = run.stdout.trim().split('\n');
    expect(lines.slice(0, -1)).toEqual([
      `reading ${weights}`,
      'checking 606 tensors against densenet121',
      'building the densenet121 graph (opset 17)',
      `writing ${out}`,
    ]);
    expect(lines.at(-1)).toMatch(
      new RegExp(`^densenet121: 7,978,856 parameters, \\d+ bytes, sha256 ${sha256} → ${out} \\(`),
    );
    expect(readdirSync(dir)).toEqual(['model.onnx']);
  }, 120_000);

  it.each([
    ['truncated', () => sharedCheckpoint('legacy').subarray(0, 90_000), /truncated or malformed/],
    ['calling os.system', () => legacyCallingGlobal('os', 'system'), /global os\.system/],
    [
      'with a path-traversal zip entry',
      () => editZip((files) => (files['../evil.sh'] = Buffer.from('x'))),
      /zip entry "\.\.\/evil\.sh" points outside the archive/,
    ],
    [
      'with a storage larger than the file',
      () => legacyWithStorageCount(2n ** 40n),
      /storage \d+ claims 4398046511104 bytes but only \d+ remain in the file$/,
    ],
    [
      'missing classifier.bias',
      () =>
        editZipPickle(
          'classifier.bias',
          [...Buffer.from('classifier.bias')],
          [...Buffer.from('classifier.bia_')],
        ),
      /missing key classifier\.bias for densenet121$/,
    ],
    [
      'with a wrong classifier shape',
      () =>
        editZipPickle(
          'classifier.weight',
          [0x4d, 0xe8, 0x03, 0x4d, 0x00, 0x04],
          [0x4d, 0xe8, 0x03, 0x4d, 0xff, 0x03],
        ),
      /classifier\.weight has shape \[1000, 1023\]; densenet121 needs \[1000, 1024\]$/,
    ],
  ])(
    'refuses a checkpoint %s with one line and no output file',
    async (_what, make, message) => {
      const run = await convert(make());
      expect(run.code).toBe(1);
      expect(run.stderr.trimEnd().split('\n')).toEqual([
        expect.stringMatching(/^export:onnx: in\.pth: /),
      ]);
      expect(run.stderr.trimEnd()).toMatch(message);
      expect(readdirSync(dir)).toEqual(['in.pth']);
    },
    60_000,
  );

  it('names a missing option', async () => {
    const run = await exportOnnx(['--arch', 'densenet121']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^export:onnx: --weights is required; usage: npm run export:onnx/);
  }, 60_000);
});

describe('hostile checkpoints, timed outside jest', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hostile-'));
    for (const [name, bytes] of Object.entries(hostileCheckpoints())) {
      writeFileSync(join(dir, name), bytes);
    }
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses each in under 2 s of Node time, with one line naming the file', async () => {
    const argv = [
      '--tsconfig',
      join(REPO_ROOT, 'tools/tsconfig.json'),
      join(__dirname, 'time-refusals.ts'),
      dir,
    ];
    const stdout = await new Promise<string>((done, fail) =>
      execFile(TSX, argv, (error, out) =>
        error ? fail(new Error(`time-refusals.ts failed: ${error.message}`)) : done(out),
      ),
    );
    const results = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { file: string; ms: number; error: string });
    expect(results.map((r) => r.file)).toEqual(Object.keys(hostileCheckpoints()).sort());
    for (const { file, ms, error } of results) {
      expect({ file, error: error.startsWith(`${file}: `) && !error.includes('\n') }).toEqual({
        file,
        error: true,
      });
      expect({ file, fast: ms < 2_000 }).toEqual({ file, fast: true });
    }
  }, 120_000);
});
