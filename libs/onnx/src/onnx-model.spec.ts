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

  it('tensor refuses data that does not fill its shape, and floatData reads it back', () => {
    expect(() => tensor('t', [2, 2], Float32Array.of(1, 2, 3))).toThrow('needs 4 values, got 3');
    expect(Array.from(floatData(tensor('t', [2], Float32Array.of(0.25, -4))))).toEqual([0.25, -4]);
  });
});
