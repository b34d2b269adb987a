import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { encodeOnnxModel, floatValueInfo, node, onnx } from '@imgcls/onnx';
import { REPO_ROOT, sharedDir } from '@imgcls/testing';

const run = promisify(execFile);

interface CliResult {
  code: number;
  stderr: string;
}

/** `npm run quantize -- …` as a user runs it (through tsx), with its exit code and stderr. */
async function quantizeCli(args: string[]): Promise<CliResult> {
  const tsx = require.resolve('tsx/cli');
  const cli = [
    tsx,
    '--tsconfig',
    'tools/tsconfig.json',
    'tools/quantize/main.ts',
    '--model',
    'densenet121-synthetic',
  ];
  try {
    const { stderr } = await run(process.execPath, [...cli, ...args], { cwd: REPO_ROOT });
    return { code: 0, stderr };
  } catch (err) {
    const failed = err as { code?: number; stderr?: string };
    return { code: failed.code ?? -1, stderr: failed.stderr ?? '' };
  }
}

function tinyModelWith(op: string): Uint8Array {
  const graph = onnx.GraphProto.create({
    name: 'unsupported',
    node: [node(op, ['input'], ['output'])],
    input: [floatValueInfo('input', ['N', 3, 224, 224])],
    output: [floatValueInfo('output', ['N', 3, 224, 224])],
  });
  return encodeOnnxModel(
    onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ version: 17 }], graph }),
  );
}

describe('npm run quantize: bad input gets one clear line, exit 1 and no output file', () => {
  let dir: string;
  let out: string;
  const photosDir = join(sharedDir(), 'images');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'quantize-cli-'));
    out = join(dir, 'out', 'model-int8.onnx');
    mkdirSync(join(dir, 'out'));
    mkdirSync(join(dir, 'junk'));
    writeFileSync(join(dir, 'junk', 'not-a-photo.jpg'), 'this is text, not a JPEG');
    writeFileSync(join(dir, 'checkpoint.onnx'), 'PK\u0003\u0004 a zip, like a .pth');
    writeFileSync(join(dir, 'lstm.onnx'), tinyModelWith('LpNormalization'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  afterEach(() => {
    expect(readdirSync(join(dir, 'out'))).toEqual([]);
  });

  it.each([
    [
      'a missing calibration folder',
      ['--calibration', 'no/such/folder'],
      /calibration folder .*no\/such\/folder does not exist/,
    ],
    [
      'a folder with no decodable image',
      ['--calibration', '{dir}/junk'],
      /has no decodable image \(1 candidate files\)/,
    ],
    [
      'a non-ONNX file',
      ['--file', '{dir}/checkpoint.onnx', '--calibration', photosDir],
      /checkpoint\.onnx is not an ONNX model/,
    ],
    [
      'an op the tool does not support',
      ['--file', '{dir}/lstm.onnx', '--calibration', photosDir],
      /has a LpNormalization node .* which the quantizer does not support/,
    ],
    [
      'a weight width other than 7 or 8 bits',
      ['--calibration', photosDir, '--weight-bits', '4'],
      /--weight-bits must be 7 or 8, got "4"/,
    ],
    [
      'a Concat grid other than shared or own',
      ['--calibration', photosDir, '--concat-grid', 'wide'],
      /--concat-grid must be shared or own, got "wide"/,
    ],
  ])(
    'refuses %s',
    async (_what, args, message) => {
      const result = await quantizeCli([...args.map((a) => a.replace('{dir}', dir)), '--out', out]);
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^quantize: /);
      expect(lines[0]).toMatch(message);
    },
    60_000,
  );
});
