import { dimsOf, floatData, node, onnx, tensor } from '@imgcls/onnx';
import {
  floatAttribute,
  indexGraph,
  inputOf,
  outputOf,
  QuantizeError,
  type GraphIndex,
} from './graph-index';

/** y = a·x + b per channel: what an inference-mode BatchNormalization computes. */
interface ChannelAffine {
  a: Float32Array;
  b: Float32Array;
}

function affineOf(bn: onnx.INodeProto, index: GraphIndex): ChannelAffine {
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => {
    const t = index.initializers.get(inputOf(bn, i));
    if (!t)
      throw new QuantizeError(
        `BatchNormalization "${bn.name ?? ''}" has a non-constant input ${i}`,
      );
    return floatData(t);
  }) as [Float32Array, Float32Array, Float32Array, Float32Array];
  const epsilon = floatAttribute(bn, 'epsilon', 1e-5);
  const a = new Float32Array(scale.length);
  const b = new Float32Array(scale.length);
  for (let c = 0; c < scale.length; c++) {
    a[c] = (scale[c] ?? 0) / Math.sqrt((variance[c] ?? 0) + epsilon);
    b[c] = (bias[c] ?? 0) - (mean[c] ?? 0) * (a[c] ?? 0);
  }
  return { a, b };
}

/** A Conv whose only reader is `bn` and whose weights are constants can absorb it. */
function foldableConv(bn: onnx.INodeProto, index: GraphIndex): onnx.INodeProto | undefined {
  const x = inputOf(bn, 0);
  const conv = index.producers.get(x);
  if (conv?.opType !== 'Conv' || index.graphOutputs.has(x)) return undefined;
  if ((index.consumers.get(x) ?? []).length !== 1) return undefined;
  return index.initializers.has(inputOf(conv, 1)) ? conv : undefined;
}

function foldInto(
  conv: onnx.INodeProto,
  bn: onnx.INodeProto,
  index: GraphIndex,
): onnx.ITensorProto[] {
  const { a, b } = affineOf(bn, index);
  const weight = index.initializers.get(inputOf(conv, 1)) as onnx.ITensorProto;
  const dims = dimsOf(weight);
  const w = floatData(weight);
  const perChannel = w.length / a.length;
  for (let i = 0; i < w.length; i++) w[i] = (w[i] ?? 0) * (a[Math.floor(i / perChannel)] ?? 0);
  const oldBias = conv.input?.[2] ? index.initializers.get(conv.input[2]) : undefined;
  const bias = oldBias ? floatData(oldBias) : new Float32Array(a.length);
  for (let c = 0; c < a.length; c++) bias[c] = (bias[c] ?? 0) * (a[c] ?? 0) + (b[c] ?? 0);
  const name = outputOf(bn);
  conv.input = [inputOf(conv, 0), `${name}.weight`, `${name}.bias`];
  conv.output = [name];
  return [tensor(`${name}.weight`, dims, w), tensor(`${name}.bias`, [a.length], bias)];
}

/** The exact equivalent 1×1 depthwise Conv, which the int8 kernels run in NHWC like the rest. */
function asDepthwiseConv(bn: onnx.INodeProto, index: GraphIndex) {
  const { a, b } = affineOf(bn, index);
  const name = outputOf(bn);
  const conv = node('Conv', [inputOf(bn, 0), `${name}.weight`, `${name}.bias`], [name], {
    name: `${bn.name || name}.depthwise`,
    attributes: { group: { int: a.length }, kernel_shape: { ints: [1, 1] } },
  });
  const params = [
    tensor(`${name}.weight`, [a.length, 1, 1, 1], a),
    tensor(`${name}.bias`, [a.length], b),
  ];
  return { conv, params };
}

/**
 * Removes every BatchNormalization: folded into the Conv before it where that Conv feeds only
 * it, else rewritten as a depthwise 1×1 Conv. Both are exact in real arithmetic. A float
 * BatchNormalization between two int8 Convs would cost a Transpose on each side (NHWC ↔ NCHW).
 */
export function rewriteBatchNorms(graph: onnx.IGraphProto): onnx.IGraphProto {
  const index = indexGraph(graph);
  const added: onnx.ITensorProto[] = [];
  const replaced = new Set<string>();
  const nodes: onnx.INodeProto[] = [];
  for (const n of graph.node ?? []) {
    if (n.opType !== 'BatchNormalization') {
      nodes.push(n);
      continue;
    }
    const conv = foldableConv(n, index);
    if (conv) {
      for (const input of conv.input?.slice(1) ?? []) replaced.add(input);
      added.push(...foldInto(conv, n, index));
    } else {
      const { conv: depthwise, params } = asDepthwiseConv(n, index);
      nodes.push(depthwise);
      added.push(...params);
    }
    for (const input of n.input?.slice(1) ?? []) replaced.add(input);
  }
  const kept = (graph.initializer ?? []).filter((t) => !replaced.has(t.name ?? ''));
  return onnx.GraphProto.create({ ...graph, node: nodes, initializer: [...kept, ...added] });
}
