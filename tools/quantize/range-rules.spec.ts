import { node, onnx } from '@imgcls/onnx';
import type { Extremes } from './histogram';
import { concatSharedRanges } from './range-rules';

/**
 * DenseNet's pattern in small: the stem's Relu, a pool that reuses its grid, and two Concats
 * that read the same feature again; a Relu's output `r` meets one too; `d` never does.
 */
const graph = onnx.GraphProto.create({
  node: [
    node('Relu', ['x'], ['stem']),
    node('Relu', ['y'], ['r']),
    node('MaxPool', ['stem'], ['pool']),
    node('Conv', ['pool', 'w1'], ['a']),
    node('Concat', ['pool', 'a'], ['c1'], { attributes: { axis: { int: 1 } } }),
    node('Conv', ['c1', 'w2'], ['b']),
    node('Concat', ['pool', 'a', 'b', 'r'], ['c2'], { attributes: { axis: { int: 1 } } }),
    node('Conv', ['c2', 'w3'], ['d']),
  ],
});

const calibrated = new Map<string, Extremes>([
  ['stem', { min: 0, max: 6 }],
  ['r', { min: 0, max: 8 }],
  ['a', { min: -1, max: 2 }],
  ['c1', { min: -1, max: 6 }],
  ['b', { min: -3, max: 1 }],
  ['c2', { min: -3, max: 6 }],
  ['d', { min: -0.5, max: 0.5 }],
]);

describe('concatSharedRanges', () => {
  it('gives every tensor that meets at a Concat, transitively, the union of their ranges', () => {
    const shared = concatSharedRanges(graph, calibrated);
    for (const t of ['a', 'c1', 'b', 'c2'])
      expect([t, shared.get(t)]).toEqual([t, { min: -3, max: 6 }]);
  });

  it('leaves a Relu output, a tensor without a range of its own, and the rest as they were', () => {
    const shared = concatSharedRanges(graph, calibrated);
    expect(shared.get('stem')).toEqual({ min: 0, max: 6 });
    expect(shared.get('r')).toEqual({ min: 0, max: 8 });
    expect(shared.get('d')).toEqual({ min: -0.5, max: 0.5 });
    expect(shared.has('pool')).toBe(false);
    expect([...shared.keys()].sort()).toEqual([...calibrated.keys()].sort());
  });
});
