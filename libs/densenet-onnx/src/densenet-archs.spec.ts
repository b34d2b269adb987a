import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { encodeOnnxModel } from '@imgcls/onnx';
import type { StateDict } from '@imgcls/torch-checkpoint';
import { DENSENET_ARCHS, denseNetArch, type DenseNetName } from './densenet-archs';
import { denseNetGraph } from './densenet-graph';
import { checkParams, expectedParams, normaliseKeys } from './expected-params';

/** Small deterministic weights of the right shapes (no published weights are reachable here). */
function syntheticStateDict(name: DenseNetName): StateDict {
  let seed = 12345;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.1;
  return new Map(
    expectedParams(DENSENET_ARCHS[name]).map(({ key, shape }) => {
      const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
      const variance = key.endsWith('running_var');
      for (let i = 0; i < data.length; i++) data[i] = variance ? 1 : next();
      return [key, { dtype: 'float32' as const, shape: [...shape], data }];
    }),
  );
}

const learnable = (name: DenseNetName): number =>
  expectedParams(DENSENET_ARCHS[name])
    .filter((p) => !/running_(mean|var)$/.test(p.key))
    .reduce((sum, p) => sum + p.shape.reduce((a, b) => a * b, 1), 0);

describe('the DenseNet variants', () => {
  it.each([
    ['densenet121', 7_978_856],
    ['densenet161', 28_681_000],
    ['densenet169', 14_149_480],
    ['densenet201', 20_013_928],
  ] as const)('%s has torchvision’s parameter count, %i', (name, count) => {
    expect(learnable(name)).toBe(count);
  });

  it.each(['densenet161', 'densenet169', 'densenet201'] as const)(
    '%s builds a graph onnxruntime runs, [N,3,64,64] → [N,1000]',
    async (name) => {
      const io = { inputName: 'input', outputName: 'logits', imageSize: 64 };
      const model = denseNetGraph(DENSENET_ARCHS[name], syntheticStateDict(name), io);
      const session = await InferenceSession.create(encodeOnnxModel(model));
      try {
        const input = new OrtTensor(
          'float32',
          new Float32Array(2 * 3 * 64 * 64).fill(0.5),
          [2, 3, 64, 64],
        );
        const logits = (await session.run({ input }))['logits'];
        expect(logits?.dims).toEqual([2, 1000]);
        expect(Array.from(logits?.data as Float32Array).every(Number.isFinite)).toBe(true);
      } finally {
        await session.release();
      }
    },
    60_000,
  );
});

describe('checkParams', () => {
  const params = expectedParams(denseNetArch('densenet121'));
  const full = syntheticStateDict('densenet121');
  const stateDict = (): StateDict => new Map(full);

  it('accepts the full set, and old-style keys once renamed', () => {
    expect(() => checkParams(stateDict(), params, 'densenet121')).not.toThrow();
    const old = new Map(
      [...stateDict()].map(([k, t]) => [k.replace(/\.(norm|conv)([12])\./, '.$1.$2.'), t]),
    );
    old.set('features.norm0.num_batches_tracked', {
      dtype: 'int64',
      shape: [],
      data: new BigInt64Array(1),
    });
    expect(() => checkParams(normaliseKeys(old), params, 'densenet121')).not.toThrow();
  });

  it('names the first missing, mis-shaped, mistyped or extra key', () => {
    const missing = stateDict();
    missing.delete('features.denseblock2.denselayer3.conv2.weight');
    expect(() => checkParams(missing, params, 'densenet121')).toThrow(
      'missing key features.denseblock2.denselayer3.conv2.weight for densenet121',
    );
    const reshaped = stateDict();
    const norm = reshaped.get('features.norm5.weight');
    reshaped.set('features.norm5.weight', { ...norm!, shape: [512, 2] });
    expect(() => checkParams(reshaped, params, 'densenet121')).toThrow(
      'features.norm5.weight has shape [512, 2]; densenet121 needs [1024]',
    );
    const ints = stateDict();
    ints.set('classifier.bias', { dtype: 'int32', shape: [1000], data: new Int32Array(1000) });
    expect(() => checkParams(ints, params, 'densenet121')).toThrow('classifier.bias is int32');
    const extra = stateDict();
    extra.set('fc.weight', { dtype: 'float32', shape: [1], data: new Float32Array(1) });
    expect(() => checkParams(extra, params, 'densenet121')).toThrow('unexpected key fc.weight');
  });
});
