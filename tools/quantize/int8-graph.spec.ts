import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { assetDirs, assetPath, loadModelManifest } from '@imgcls/models';
import { decodeOnnxModel, floatData, onnx } from '@imgcls/onnx';
import { REPO_ROOT } from '@imgcls/testing';
import { indexGraph, intAttribute } from './graph-index';

const isDepthwise = (n: onnx.INodeProto) =>
  n.opType?.includes('Conv') === true && intAttribute(n, 'group', 1) > 1;
const isBatchNorm = (n: onnx.INodeProto) => n.opType === 'BatchNormalization';

/**
 * The shape of the graph onnxruntime actually runs (CPU EP, optimisation `all`) for the INT8
 * test model that `npm run assets:test` builds: every Conv fused to QLinearConv, every Concat
 * and pool in int8, the Concats on one grid, no layout Transposes around normalisations.
 */
describe('densenet121-synthetic-int8 (a test model) as onnxruntime optimises it', () => {
  let dir: string;
  let graph: onnx.IGraphProto;
  const counts = new Map<string, number>();

  beforeAll(async () => {
    const { modelsDir } = assetDirs(REPO_ROOT);
    const path = assetPath(loadModelManifest('densenet121-synthetic-int8', modelsDir), modelsDir);
    if (!existsSync(path)) throw new Error(`${path} is missing; run npm run assets:test`);
    dir = mkdtempSync(join(tmpdir(), 'int8-graph-'));
    const optimized = join(dir, 'optimized.onnx');
    const session = await ort.InferenceSession.create(path, {
      graphOptimizationLevel: 'all',
      intraOpNumThreads: 1,
      optimizedModelFilePath: optimized,
    });
    await session.release();
    graph = decodeOnnxModel(readFileSync(optimized), optimized).graph as onnx.IGraphProto;
    for (const n of graph.node ?? [])
      counts.set(n.opType ?? '', (counts.get(n.opType ?? '') ?? 0) + 1);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has no float Conv, BatchNormalization or DequantizeLinear left: every node fused', () => {
    for (const op of [
      'Conv',
      'FusedConv',
      'NchwcConv',
      'BatchNormalization',
      'DequantizeLinear',
      'Concat',
    ]) {
      expect([op, counts.get(op) ?? 0]).toEqual([op, 0]);
    }
    // 120 Convs, plus the 62 BatchNormalizations rewritten as depthwise Convs.
    expect(counts.get('QLinearConv')).toBe(182);
    expect(counts.get('QLinearConcat')).toBe(58);
    expect(counts.get('QLinearAveragePool')).toBe(3);
  });

  it('concatenates on one grid: every QLinearConcat copies, but for the stem pool output', () => {
    const index = indexGraph(graph);
    const grid = (...params: (string | undefined)[]) =>
      JSON.stringify(
        params.map((name) => {
          const t = index.initializers.get(name ?? '');
          if (t === undefined) throw new Error(`${name} is not a constant`);
          return Array.from(t.dataType === 1 ? floatData(t) : (t.rawData ?? []));
        }),
      );
    const requantized = (graph.node ?? [])
      .filter((n) => n.opType === 'QLinearConcat')
      .flatMap((n) => {
        const [scale, zeroPoint, ...xs] = n.input ?? [];
        const inputs = Array.from({ length: xs.length / 3 }, (_, i) => xs.slice(3 * i, 3 * i + 3));
        return inputs
          .filter(([, s, z]) => grid(s, z) !== grid(scale, zeroPoint))
          .map(([x]) => index.producers.get(x ?? '')?.opType ?? x);
      });
    // Block 1's six Concats each read the MaxPool's output, on the stem Relu's grid (zero point 0).
    expect(requantized).toEqual(Array(6).fill('NhwcMaxPool'));
  });

  it('has no Transpose next to a BatchNormalization or a depthwise Conv', () => {
    const index = indexGraph(graph);
    const transposes = (graph.node ?? []).filter((n) => n.opType === 'Transpose');
    const neighbours = transposes.flatMap((t) => [
      ...(t.input ?? []).flatMap((i) => index.producers.get(i) ?? []),
      ...(t.output ?? []).flatMap((o) => index.consumers.get(o) ?? []),
    ]);
    expect(neighbours.filter((n) => isBatchNorm(n) || isDepthwise(n)).map((n) => n.name)).toEqual(
      [],
    );
    // What remains is the NCHW ↔ NHWC change at the model's input and output.
    expect(transposes.length).toBeLessThanOrEqual(2);
  });
});
