import { readFileSync } from 'node:fs';
import { assetDirs, assetPath, loadModelManifest } from '@imgcls/models';
import { decodeOnnxModel, encodeOnnxModel, floatValueInfo, node, onnx, tensor } from '@imgcls/onnx';
import { IMAGENET_SPEC } from '@imgcls/preprocessing';
import { REPO_ROOT, samplePhotos } from '@imgcls/testing';
import * as ort from 'onnxruntime-node';
import { rewriteBatchNorms } from './batch-norm-rewrite';
import { channelMaxima } from './calibrate';
import { equalizationPlans, equalizeChannels } from './channel-equalization';
import { preprocessPhotos } from './photo-accuracy';
import { simplifyGraph } from './simplify';

const ramp = (n: number, from: number, step: number) =>
  Float32Array.from({ length: n }, (_, i) => from + i * step);

/** x → two 1×1 Convs of very different gains → Concat → depthwise 1×1 (a normalisation). */
function tinyGraph(extraReader: boolean): onnx.IGraphProto {
  const conv = (w: string, out: string) => node('Conv', ['x', w, `${w}.b`], [out]);
  return onnx.GraphProto.create({
    node: [
      conv('wa', 'a'),
      conv('wb', 'b'),
      node('Concat', ['a', 'b'], ['c'], { attributes: { axis: { int: 1 } } }),
      node('Conv', ['c', 'dw', 'dw.b'], ['y'], { attributes: { group: { int: 4 } } }),
      ...(extraReader ? [node('Conv', ['c', 'mix'], ['z'])] : []),
    ],
    initializer: [
      tensor('wa', [2, 3, 1, 1], ramp(6, 0.01, 0.01)),
      tensor('wa.b', [2], ramp(2, 0.001, 0.001)),
      tensor('wb', [2, 3, 1, 1], ramp(6, -30, 7)),
      tensor('wb.b', [2], ramp(2, 2, 1)),
      tensor('dw', [4, 1, 1, 1], ramp(4, 0.5, 0.25)),
      tensor('dw.b', [4], ramp(4, -1, 0.5)),
      ...(extraReader ? [tensor('mix', [1, 4, 1, 1], ramp(4, 1, 1))] : []),
    ],
    input: [floatValueInfo('x', [1, 3, 3, 3])],
    output: [
      floatValueInfo('y', [1, 4, 3, 3]),
      ...(extraReader ? [floatValueInfo('z', [1, 1, 3, 3])] : []),
    ],
  });
}

const OPSET = { irVersion: 8, opsetImport: [{ domain: '', version: 13 }] };
const model = (graph: onnx.IGraphProto) => encodeOnnxModel({ ...OPSET, graph });

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>, fetch: string) {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  try {
    return (await session.run(feeds))[fetch]?.data as Float32Array;
  } finally {
    await session.release();
  }
}

const maxRelativeError = (a: Float32Array, b: Float32Array) =>
  a.reduce((worst, v, i) => Math.max(worst, Math.abs(v - (b[i] ?? NaN)) / (Math.abs(v) + 1e-3)), 0);

describe('channel equalization of Concat inputs', () => {
  it('plans each Concat input whose only readers are normalisations, at its channel offset', () => {
    const plans = equalizationPlans(tinyGraph(false));
    expect(
      plans.map((p) => [p.tensor, p.producer.output?.[0], p.readers.map((r) => r.offset)]),
    ).toEqual([
      ['a', 'a', [0]],
      ['b', 'b', [2]],
    ]);
  });

  it('leaves a Concat alone when anything but a normalisation reads it', () => {
    expect(equalizationPlans(tinyGraph(true))).toEqual([]);
  });

  it('gives every channel the same largest |value| and leaves the output as it was', async () => {
    const graph = tinyGraph(false);
    const image = ramp(27, -2, 0.25);
    const x = new ort.Tensor('float32', image, [1, 3, 3, 3]);
    const plans = equalizationPlans(graph);
    const tensors = plans.map((p) => p.tensor);
    const run1 = { inputName: 'x', images: [image], cropSize: 3, percentile: 100 };
    const before = await channelMaxima({ ...run1, model: { ...OPSET, graph }, tensors });
    const equalized = equalizeChannels(graph, plans, before);
    const after = await channelMaxima({ ...run1, model: { ...OPSET, graph: equalized }, tensors });
    for (const t of tensors) {
      const max = Array.from(after.get(t) ?? []);
      for (const m of max) expect(m / Math.max(...max)).toBeCloseTo(1, 5);
    }
    // The widest channel is ~1000× the narrowest before.
    expect(
      Math.max(...(before.get('b') ?? [])) / Math.min(...(before.get('a') ?? [])),
    ).toBeGreaterThan(100);
    const y = await run(model(graph), { x }, 'y');
    expect(maxRelativeError(y, await run(model(equalized), { x }, 'y'))).toBeLessThan(1e-5);
  });

  it('plans DenseNet-121 (the test model, not ImageNet-trained) and keeps its logits', async () => {
    const { modelsDir } = assetDirs(REPO_ROOT);
    const path = assetPath(loadModelManifest('densenet121-synthetic', modelsDir), modelsDir);
    const fp32 = decodeOnnxModel(readFileSync(path), path);
    const graph = rewriteBatchNorms(simplifyGraph(fp32.graph as onnx.IGraphProto));
    const plans = equalizationPlans(graph);
    // 58 dense layers' new features, plus each dense block's input (pool0, 3 transitions).
    expect(plans).toHaveLength(62);
    const images = await preprocessPhotos(samplePhotos().slice(0, 2));
    const size = IMAGENET_SPEC.cropSize;
    const one = images.subarray(0, 3 * size * size);
    const maxima = await channelMaxima({
      model: { ...fp32, graph },
      inputName: 'input',
      images: [one],
      cropSize: size,
      percentile: 100,
      tensors: plans.map((p) => p.tensor),
    });
    const equalized = equalizeChannels(graph, plans, maxima);
    const feeds = {
      input: new ort.Tensor('float32', images.subarray(3 * size * size), [1, 3, size, size]),
    };
    const before = await run(encodeOnnxModel({ ...fp32, graph }), feeds, 'logits');
    const after = await run(encodeOnnxModel({ ...fp32, graph: equalized }), feeds, 'logits');
    const worst = before.reduce((w, v, i) => Math.max(w, Math.abs(v - (after[i] ?? NaN))), 0);
    expect(worst).toBeLessThan(1e-3);
  }, 120_000);
});
