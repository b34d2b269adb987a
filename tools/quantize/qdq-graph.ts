import { node, onnx, tensor } from '@imgcls/onnx';
import type { WeightBits } from '@imgcls/models';
import { indexGraph, intAttribute, type GraphIndex } from './graph-index';
import type { Extremes } from './histogram';
import type { Placement } from './placement';
import { quantizeBias, quantizeWeight, type QuantizedConstant } from './weights';

/** uint8, per tensor; a range starting at 0 gets zero point 0, so a Relu before it folds away. */
export interface ActivationParams {
  scale: number;
  zeroPoint: number;
}

export function activationParams(range: Extremes): ActivationParams {
  const scale = Math.fround((range.max - range.min) / 255) || 1;
  const zeroPoint = Math.max(0, Math.min(255, Math.round(-range.min / scale)));
  return { scale, zeroPoint };
}

// Which input of each op is a weight, and along which axis its output channels run.
function weightAxis(n: onnx.INodeProto): number | undefined {
  if (n.opType === 'Conv') return 0;
  if (n.opType === 'Gemm') return intAttribute(n, 'transB', 0) === 1 ? 0 : 1;
  if (n.opType === 'MatMul') return 1;
  return undefined;
}

interface Builder {
  index: GraphIndex;
  params: Map<string, ActivationParams>;
  nodes: onnx.INodeProto[];
  initializers: onnx.ITensorProto[];
  replaced: Set<string>;
  weightBits: WeightBits;
}

/** The node's inputs once its weight (and bias) are int8 (int32) behind a DequantizeLinear. */
function quantizeConstants(n: onnx.INodeProto, b: Builder): string[] {
  const inputs = [...(n.input ?? [])];
  const axis = weightAxis(n);
  const weight = b.index.initializers.get(n.input?.[1] ?? '');
  const inputParams = b.params.get(n.input?.[0] ?? '');
  if (axis === undefined || !weight || !inputParams) return inputs;
  const add = (at: number, source: onnx.ITensorProto, q: QuantizedConstant) => {
    b.initializers.push(...q.initializers);
    b.nodes.push(q.dequantize);
    if (b.index.initializers.has(source.name ?? '')) b.replaced.add(source.name ?? '');
    inputs[at] = q.dequantize.output?.[0] ?? '';
  };
  const w = quantizeWeight(weight, axis, b.weightBits);
  add(1, weight, w);
  const bias = n.opType === 'MatMul' ? undefined : b.index.initializers.get(n.input?.[2] ?? '');
  if (bias) add(2, bias, quantizeBias(bias, inputParams.scale, w.scales));
  return inputs;
}

function quantizeActivation(name: string, source: string, b: Builder, own: boolean): void {
  const p = b.params.get(name) as ActivationParams;
  if (own) {
    b.initializers.push(tensor(`${name}_scale`, [], Float32Array.of(p.scale)));
    b.initializers.push(tensor(`${name}_zero_point`, [], Uint8Array.of(p.zeroPoint)));
  }
  const qp = [`${source}_scale`, `${source}_zero_point`];
  b.nodes.push(node('QuantizeLinear', [name, ...qp], [`${name}_quantized`]));
  b.nodes.push(node('DequantizeLinear', [`${name}_quantized`, ...qp], [`${name}_dequantized`]));
}

/** Resolves shared tensors to the tensor whose range they reuse. */
function ownerOf(t: string, placement: Placement): string {
  let owner = t;
  while (placement.shared.has(owner)) owner = placement.shared.get(owner) as string;
  return owner;
}

/**
 * The QDQ graph: a QuantizeLinear → DequantizeLinear pair after each placed tensor, whose
 * readers then take the dequantized copy; DequantizeLinear in front of each int8 weight and
 * int32 bias. Nodes stay in topological order; names derive from tensor names, so the same
 * input always gives the same graph.
 */
export function buildQdqGraph(
  graph: onnx.IGraphProto,
  placement: Placement,
  ranges: Map<string, Extremes>,
  weightBits: WeightBits,
): onnx.IGraphProto {
  const params = new Map([...ranges].map(([t, r]) => [t, activationParams(r)]));
  for (const t of placement.shared.keys())
    params.set(t, params.get(ownerOf(t, placement)) as ActivationParams);
  const b: Builder = {
    index: indexGraph(graph),
    params,
    nodes: [],
    initializers: [],
    replaced: new Set(),
    weightBits,
  };
  const placed = (t: string) => params.has(t);
  const emitPairs = (tensors: readonly string[]) => {
    for (const t of tensors.filter(placed))
      quantizeActivation(t, ownerOf(t, placement), b, ownerOf(t, placement) === t);
  };
  emitPairs((graph.input ?? []).map((i) => i.name ?? ''));
  const compute = new Set(placement.computeNodes);
  for (const n of graph.node ?? []) {
    const withConstants = compute.has(n) ? quantizeConstants(n, b) : (n.input ?? []);
    const input = withConstants.map((t) => (placed(t) ? `${t}_dequantized` : t));
    b.nodes.push(onnx.NodeProto.create({ ...n, input }));
    emitPairs(n.output ?? []);
  }
  const kept = (graph.initializer ?? []).filter((t) => !b.replaced.has(t.name ?? ''));
  return onnx.GraphProto.create({
    ...graph,
    node: b.nodes,
    initializer: [...kept, ...b.initializers],
  });
}
