import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { sharedDir } from '@imgcls/testing';
import {
  decodeOnnxModel,
  encodeOnnxModel,
  floatData,
  floatValueInfo,
  node,
  onnx,
  OnnxFormatError,
  tensor,
  toNumber,
  withFixedBatch,
} from './index';

const modelsDir = (): string => join(sharedDir(), 'assets', 'models');

describe('decodeOnnxModel', () => {
  it('reads the shared DenseNet-121 test model (a test model) and writes it back stably', () => {
    const bytes = readFileSync(join(modelsDir(), 'densenet121-synthetic.onnx'));
    const model = decodeOnnxModel(bytes, 'densenet121-synthetic.onnx');
    const ops = (model.graph?.node ?? []).map((n) => n.opType) ?? [];
    expect(ops.filter((op) => op === 'Conv')).toHaveLength(120);
    expect(model.graph?.input?.[0]?.name).toBe('input');
    const written = encodeOnnxModel(model);
    const reread = decodeOnnxModel(written, 'written');
    expect((reread.graph?.initializer ?? []).map((t) => t.name)).toEqual(
      (model.graph?.initializer ?? []).map((t) => t.name),
    );
    expect(Buffer.from(encodeOnnxModel(reread)).equals(Buffer.from(written))).toBe(true);
  });

  it.each([
    ['a PyTorch checkpoint', 'densenet121-synthetic.pth'],
    ['a JSON file', '../labels/imagenet_class_index.json'],
  ])('refuses %s, naming the source', (_what, file) => {
    const bytes = readFileSync(join(modelsDir(), file));
    expect(() => decodeOnnxModel(bytes, file)).toThrow(OnnxFormatError);
    expect(() => decodeOnnxModel(bytes, file)).toThrow(`${file} is not an ONNX model`);
  });
});

describe('graph builders', () => {
  it('build a model onnxruntime runs: y = x * w + b', async () => {
    const graph = onnx.GraphProto.create({
      name: 'affine',
      node: [node('Mul', ['x', 'w'], ['xw']), node('Add', ['xw', 'b'], ['y'])],
      initializer: [
        tensor('w', [3], Float32Array.of(1, 2, 3)),
        tensor('b', [3], Float32Array.of(0.5, 0, -1)),
      ],
      input: [floatValueInfo('x', ['N', 3])],
      output: [floatValueInfo('y', ['N', 3])],
    });
    const model = onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ version: 17 }], graph });
    const session = await ort.InferenceSession.create(encodeOnnxModel(model));
    const x = new ort.Tensor('float32', Float32Array.of(1, 1, 1, 2, 2, 2), [2, 3]);
    const { y } = await session.run({ x });
    expect(Array.from(y?.data as Float32Array)).toEqual([1.5, 2, 2, 2.5, 4, 5]);
    await session.release();
  });

  it('withFixedBatch fixes the batch dimension that onnxruntime then holds a run to', async () => {
    const graph = onnx.GraphProto.create({
      name: 'double',
      node: [node('Add', ['x', 'x'], ['y'])],
      input: [floatValueInfo('x', ['N', 2])],
      output: [floatValueInfo('y', ['N', 2])],
    });
    const model = onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ version: 17 }], graph });
    const fixed = withFixedBatch(encodeOnnxModel(model), 'x', 1);
    const [batch, width] =
      decodeOnnxModel(fixed, 'fixed').graph?.input?.[0]?.type?.tensorType?.shape?.dim ?? [];
    expect([toNumber(batch?.dimValue ?? 0), toNumber(width?.dimValue ?? 0)]).toEqual([1, 2]);
    expect(Object.keys(batch ?? {})).not.toContain('dimParam'); // no longer named N
    const session = await ort.InferenceSession.create(fixed);
    const tensorOf = (rows: number) =>
      new ort.Tensor('float32', new Float32Array(2 * rows), [rows, 2]);
    expect((await session.run({ x: tensorOf(1) })).y?.dims).toEqual([1, 2]);
    await expect(session.run({ x: tensorOf(2) })).rejects.toThrow(/dimension|shape/i);
    await session.release();
    expect(() => withFixedBatch(fixed, 'image', 1)).toThrow('no input "image"');
  });

  it('tensor refuses data that does not fill its shape, and floatData reads it back', () => {
    expect(() => tensor('t', [2, 2], Float32Array.of(1, 2, 3))).toThrow('needs 4 values, got 3');
    expect(Array.from(floatData(tensor('t', [2], Float32Array.of(0.25, -4))))).toEqual([0.25, -4]);
  });
});
