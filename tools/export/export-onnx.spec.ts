import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { editZip, editZipPickle, legacyCallingGlobal, sharedCheckpoint } from '@imgcls/testing';

const REPO_ROOT = resolve(__dirname, '..', '..');
const TSX = join(REPO_ROOT, 'node_modules/.bin/tsx');
const CLI = join(__dirname, 'export-onnx.ts');

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
