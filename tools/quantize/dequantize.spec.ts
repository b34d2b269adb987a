import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeOnnxModel, encodeOnnxModel, node } from '@imgcls/onnx';
import { REPO_ROOT, samplePhotos, sharedDir } from '@imgcls/testing';
import { dequantizeModel } from './dequantize-model';
import { tensorNumbers } from './dequantize-values';
import { preprocessPhotos, scorePhotos } from './photo-accuracy';

/**
 * The ONNX Model Zoo's MobileNetV2-1.0 INT8 (genuinely ImageNet-trained, QOperator format) made
 * float: the check that our quantizer works on a real network, not only on the test model.
 */
const ZOO_TOP1 = 0.85;
const zooPath = (): string => join(sharedDir(), 'assets', 'models', 'mobilenetv2-12-int8.onnx');
const runCli = promisify(execFile);

function dequantizeCli(args: string[]) {
  const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  const main = join(REPO_ROOT, 'tools', 'quantize', 'dequantize-main.ts');
  return runCli(tsx, ['--tsconfig', join(REPO_ROOT, 'tools', 'tsconfig.json'), main, ...args], {
    cwd: REPO_ROOT,
  });
}

describe('dequantizeModel on the zoo MobileNetV2 INT8', () => {
  const zoo = decodeOnnxModel(readFileSync(zooPath()), 'mobilenetv2-12-int8.onnx');
  const float = dequantizeModel(zoo, { source: 'mobilenetv2-12-int8.onnx' });

  it('replaces every QLinear op by its float op, keeps ReLU6 as Clip, drops the edge Q/DQ', () => {
    const ops = new Map<string, number>();
    for (const { opType = '' } of float.graph?.node ?? []) {
      ops.set(opType ?? '', (ops.get(opType ?? '') ?? 0) + 1);
    }
    // 35 of the 52 convolutions end in ReLU6 (uint8 zero point 0), and so does the pool of the
    // last one's output; the 17 projections and 11 residual Adds are linear (zero point ≠ 0).
    expect(Object.fromEntries(ops)).toEqual({
      Conv: 52,
      Clip: 36,
      Add: 11,
      GlobalAveragePool: 1,
      Flatten: 1,
      MatMul: 1,
    });
    const bounds = (suffix: string): number[] =>
      (float.graph?.initializer ?? [])
        .filter((t) => (t.name ?? '').endsWith(suffix))
        .map((t) => new Float32Array(new Uint8Array(t.rawData ?? []).buffer)[0] ?? NaN);
    // The calibrated uint8 ranges lie inside ReLU6's [0, 6]; 8 of them reach 6 exactly.
    expect(new Set(bounds('_min'))).toEqual(new Set([0]));
    expect(bounds('_max').every((max) => max > 1 && max <= 6 + 1e-6)).toBe(true);
    expect(bounds('_max').filter((max) => Math.abs(max - 6) < 1e-6)).toHaveLength(8);
    expect(float.graph?.input?.map((i) => i.name)).toEqual(['input']);
    expect(float.graph?.output?.map((o) => o.name)).toEqual(['output']);
    expect(float.opsetImport).toEqual([expect.objectContaining({ domain: '', version: 17 })]);
  });

  it('with saturation "all", clips the input to its QuantizeLinear range and every output to its own', () => {
    const all = dequantizeModel(zoo, { source: 'mobilenetv2-12-int8.onnx', saturation: 'all' });
    const nodes = all.graph?.node ?? [];
    const zooInput = (zoo.graph?.node ?? []).find((n) => n.opType === 'QuantizeLinear');
    const constant = (name: string | undefined) => {
      const t = [...(zoo.graph?.initializer ?? []), ...(all.graph?.initializer ?? [])].find(
        (i) => i.name === name,
      );
      return t ? (tensorNumbers(t)[0] ?? NaN) : NaN;
    };
    const [scale, zeroPoint] = [constant(zooInput?.input?.[1]), constant(zooInput?.input?.[2])];
    const first = nodes[0];
    expect(first?.opType).toBe('Clip');
    expect(first?.input?.[0]).toBe('input');
    expect(constant(first?.input?.[1])).toBeCloseTo(-zeroPoint * scale, 6);
    expect(constant(first?.input?.[2])).toBeCloseTo((255 - zeroPoint) * scale, 6);
    // 52 Conv, 11 Add, the pool and the MatMul each end in a Clip, and so does the input.
    expect(nodes.filter((n) => n.opType === 'Clip')).toHaveLength(66);
  });

  it('scores like the zoo model on the 200 shared photos through our preprocessing', async () => {
    const photos = samplePhotos();
    const input = await preprocessPhotos(photos);
    const result = await scorePhotos(encodeOnnxModel(float), photos, input);
    console.log(
      `mobilenetv2 dequantized to float: top-1 ${(result.top1 * 100).toFixed(1)}% (zoo INT8 reference ${ZOO_TOP1 * 100}%), ` +
        `agreement with the reference ${(result.agreement * 100).toFixed(1)}%`,
    );
    expect(Math.abs(result.top1 - ZOO_TOP1)).toBeLessThanOrEqual(0.015);
    expect(result.agreement).toBeGreaterThanOrEqual(0.9);
  }, 120_000);

  it('is deterministic: the same input gives the same bytes', () => {
    const again = dequantizeModel(zoo, { source: 'mobilenetv2-12-int8.onnx' });
    const hash = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
    expect(hash(encodeOnnxModel(again))).toBe(hash(encodeOnnxModel(float)));
  });

  it('names an op it does not support', () => {
    const graph = decodeOnnxModel(readFileSync(zooPath()), 'zoo').graph;
    graph?.node?.push(node('Softmax', ['output'], ['probabilities'], { name: 'softmax' }));
    expect(() => dequantizeModel({ ...zoo, graph }, { source: 'zoo+softmax' })).toThrow(
      /^zoo\+softmax has a Softmax node \("softmax"\), which the dequantizer does not support; supported: QLinearConv/,
    );
  });

  it('refuses a float model, saying it is not QOperator INT8', () => {
    const dense = join(sharedDir(), 'assets', 'models', 'densenet121-synthetic.onnx');
    const model = decodeOnnxModel(readFileSync(dense), 'densenet121-synthetic.onnx');
    expect(() => dequantizeModel(model, { source: 'densenet121-synthetic.onnx' })).toThrow(
      'densenet121-synthetic.onnx has no QLinear node: it is not a QOperator INT8 model',
    );
  });
});

describe('npm run dequantize', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'dequantize-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the float model and a one-line summary', async () => {
    const out = join(dir, 'mobilenetv2-float.onnx');
    const { stdout } = await dequantizeCli(['--file', zooPath(), '--out', out]);
    expect(stdout.trim()).toMatch(
      /^dequantize: wrote .*mobilenetv2-float\.onnx \(14\.0 MB; 52 Conv, 36 Clip, 11 Add/,
    );
    expect(readdirSync(dir)).toEqual(['mobilenetv2-float.onnx']);
  }, 60_000);

  it('exits 1 with one line and no output file for a file that is not ONNX', async () => {
    const notOnnx = join(dir, 'photo.onnx');
    writeFileSync(notOnnx, readFileSync(samplePhotos()[0]?.path ?? ''));
    const out = join(dir, 'out.onnx');
    const failure = await dequantizeCli(['--file', notOnnx, '--out', out]).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 1 });
    const stderr = String((failure as { stderr: unknown }).stderr).trim();
    expect(stderr).toMatch(
      /^dequantize: photo\.onnx is not an ONNX model \(.*\); expected a \.onnx file$/,
    );
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual(['photo.onnx']);
  }, 60_000);
});
