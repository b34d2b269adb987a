import { floatData, type onnx } from '@imgcls/onnx';
import { floatAttribute, indexGraph, type GraphIndex } from './graph-index';
import type { Extremes } from './histogram';
import { ACTIVATION_OPS } from './placement';

/** A Clip's constant bound: input `i` (opset ≥ 11) or the attribute (opset 6); none if absent. */
function clipBound(clip: onnx.INodeProto, index: GraphIndex, i: 1 | 2): number | undefined {
  const name = clip.input?.[i];
  const constant = name ? index.initializers.get(name) : undefined;
  if (constant) return floatData(constant)[0];
  const value = floatAttribute(clip, i === 1 ? 'min' : 'max', NaN);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * The calibrated ranges, except that a Clip's output takes the Clip's bounds (where it has them):
 * it can take no value outside them, and a trained network's ReLU6 reaches them, so its grid is
 * the bounds (TFLite does the same), not a percentile inside them. A float copy of an INT8 model
 * that keeps each integer saturation as a Clip (npm run dequantize --saturation all) is thereby
 * quantized back onto its own grids: the zoo MobileNetV2's re-quantized copy went from 92.5% to
 * 99.5% agreement with the zoo model on the 200 shared photos (Zen 4 EPYC, AVX-512 VNNI).
 */
export function clipBoundedRanges(
  graph: onnx.IGraphProto,
  calibrated: ReadonlyMap<string, Extremes>,
): Map<string, Extremes> {
  const index = indexGraph(graph);
  return new Map(
    [...calibrated].map(([t, range]) => {
      const clip = index.producers.get(t);
      if (clip?.opType !== 'Clip') return [t, range];
      const min = clipBound(clip, index, 1) ?? range.min;
      const max = clipBound(clip, index, 2) ?? range.max;
      return [t, { min: Math.min(min, 0), max: Math.max(max, 0) }];
    }),
  );
}

/**
 * The calibrated ranges, except that the tensors meeting at a Concat (its inputs and its
 * output, transitively: DenseNet concatenates a block's features again at every layer) take
 * one range, the union of theirs. With one grid, onnxruntime's QLinearConcat copies bytes
 * instead of requantizing each input through a table: the INT8 DenseNet-121 test model ran
 * 0.87–0.89× as long (docs/benchmarks.md). The output of an activation placement folds away
 * (Relu, Clip) keeps its own range: its zero point at the floor is what lets it fold, and tensors
 * without a range of their own (a MaxPool's output reuses its input's) are left as they are.
 */
export function concatSharedRanges(
  graph: onnx.IGraphProto,
  calibrated: ReadonlyMap<string, Extremes>,
): Map<string, Extremes> {
  const index = indexGraph(graph);
  const root = new Map<string, string>();
  const find = (t: string): string => {
    const parent = root.get(t) ?? t;
    if (parent === t) return t;
    const top = find(parent);
    root.set(t, top);
    return top;
  };
  const ownGrid = (t: string) =>
    calibrated.has(t) && !ACTIVATION_OPS.has(index.producers.get(t)?.opType ?? '');
  for (const n of graph.node ?? []) {
    if (n.opType !== 'Concat') continue;
    const [first, ...rest] = [...(n.input ?? []), ...(n.output ?? [])].filter(ownGrid);
    if (first === undefined) continue;
    for (const t of [first, ...rest]) if (!root.has(t)) root.set(t, t);
    for (const t of rest) root.set(find(t), find(first));
  }
  const union = new Map<string, Extremes>();
  for (const t of root.keys()) {
    const range = calibrated.get(t) as Extremes;
    const group = union.get(find(t)) ?? range;
    union.set(find(t), {
      min: Math.min(group.min, range.min),
      max: Math.max(group.max, range.max),
    });
  }
  return new Map(
    [...calibrated].map(([t, range]) => [
      t,
      root.has(t) ? (union.get(find(t)) as Extremes) : range,
    ]),
  );
}
