import { onnx, type AttributeValue } from '@imgcls/onnx';
import { DequantizeError, FloatGraph, type SaturationPolicy } from './dequantize-graph';
import { CONVERSIONS } from './dequantize-ops';
import { tensorNumbers } from './dequantize-values';

/** The opset of the float model: per-channel QDQ (for re-quantizing it) needs 13 or later. */
const FLOAT_OPSET = 17;

export interface DequantizeOptions {
  /** Where the float model came from, for error messages. */
  source: string;
  saturation?: SaturationPolicy;
}

function opKey(n: onnx.INodeProto): string {
  return n.domain ? `${n.domain}.${n.opType ?? ''}` : (n.opType ?? '');
}

function intsAttribute(n: onnx.INodeProto | undefined, name: string): number[] | undefined {
  const a = n?.attribute?.find((x) => x.name === name);
  if (!a) return undefined;
  return a.ints && a.ints.length > 0 ? a.ints.map(Number) : [Number(a.i ?? 0)];
}

/**
 * torch's `x.reshape(x.shape[0], -1)`, exported as Shape → Gather(0) → Unsqueeze(0) →
 * Concat(·, [-1]) → Reshape: a Flatten at axis 1. Returns the shape nodes it replaces.
 */
function batchFlattenChain(
  reshape: onnx.INodeProto,
  producers: ReadonlyMap<string, onnx.INodeProto>,
  constants: ReadonlyMap<string, onnx.ITensorProto>,
): onnx.INodeProto[] | undefined {
  const constantIs = (name: string | undefined, value: number): boolean => {
    const t = name === undefined ? undefined : constants.get(name);
    return t !== undefined && Array.from(tensorNumbers(t)).join() === String(value);
  };
  const concat = producers.get(reshape.input?.[1] ?? '');
  if (concat?.opType !== 'Concat' || concat.input?.length !== 2) return undefined;
  if (!constantIs(concat.input[1], -1)) return undefined;
  const unsqueeze = producers.get(concat.input[0] ?? '');
  if (unsqueeze?.opType !== 'Unsqueeze' || intsAttribute(unsqueeze, 'axes')?.join() !== '0') {
    return undefined;
  }
  const gather = producers.get(unsqueeze.input?.[0] ?? '');
  if (gather?.opType !== 'Gather' || !constantIs(gather.input?.[1], 0)) return undefined;
  if ((intsAttribute(gather, 'axis') ?? [0]).join() !== '0') return undefined;
  const shape = producers.get(gather.input?.[0] ?? '');
  return shape?.opType === 'Shape' ? [concat, unsqueeze, gather, shape] : undefined;
}

function unsupported(n: onnx.INodeProto, source: string): DequantizeError {
  const supported = [...CONVERSIONS.keys(), 'Reshape (as a batch flatten)'].join(', ');
  return new DequantizeError(
    `${source} has a ${opKey(n)} node ("${n.name ?? ''}"), which the dequantizer does not support; supported: ${supported}`,
  );
}

/** Rewrites every node of a QOperator INT8 graph into float, in graph order. */
function convertNodes(graph: onnx.IGraphProto, floatGraph: FloatGraph, source: string): void {
  const nodes = graph.node ?? [];
  const constants = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const producers = new Map(nodes.flatMap((n) => (n.output ?? []).map((o) => [o, n] as const)));
  const outputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  for (const n of nodes) {
    const [q = '', y = ''] = [n.input?.[0], n.output?.[0]];
    if (n.opType === 'DequantizeLinear' && outputs.has(y) && !constants.has(q)) {
      floatGraph.alias(q, y);
    }
  }
  const flattens = new Map<onnx.INodeProto, onnx.INodeProto[]>();
  for (const n of nodes.filter((x) => x.opType === 'Reshape')) {
    const chain = batchFlattenChain(n, producers, constants);
    if (chain) flattens.set(n, chain);
  }
  const replaced = new Set([...flattens.values()].flat());
  for (const n of nodes) {
    if (replaced.has(n)) continue;
    if (flattens.has(n)) {
      const flatten: Record<string, AttributeValue> = { axis: { int: 1 } };
      const [data = '', out = ''] = [n.input?.[0], n.output?.[0]];
      floatGraph.plain('Flatten', [floatGraph.name(data)], floatGraph.name(out), flatten);
      continue;
    }
    const convert = CONVERSIONS.get(opKey(n));
    if (!convert) throw unsupported(n, source);
    convert(n, floatGraph);
  }
}

/**
 * A faithful float copy of a QOperator INT8 model (the ONNX Model Zoo's format): weights and
 * biases dequantized, each QLinear op replaced by its float op, the integer saturation that
 * folded a ReLU/ReLU6 kept as a Clip, and the Quantize/DequantizeLinear at the edges removed.
 */
export function dequantizeModel(
  model: onnx.IModelProto,
  options: DequantizeOptions,
): onnx.ModelProto {
  const graph = model.graph;
  if (!graph) throw new DequantizeError(`${options.source} has no graph`);
  const quantizedOps = (graph.node ?? []).filter((n) => (n.opType ?? '').startsWith('QLinear'));
  if (quantizedOps.length === 0) {
    throw new DequantizeError(
      `${options.source} has no QLinear node: it is not a QOperator INT8 model`,
    );
  }
  const floatGraph = new FloatGraph(
    new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t])),
    options.saturation ?? 'activations',
  );
  convertNodes(graph, floatGraph, options.source);
  return onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'imgcls dequantize',
    opsetImport: [{ domain: '', version: FLOAT_OPSET }],
    docString: `float copy of ${options.source}: weights dequantized, QLinear ops replaced by float ops`,
    graph: onnx.GraphProto.create({
      name: graph.name ?? 'dequantized',
      node: floatGraph.nodes,
      initializer: floatGraph.initializers,
      input: (graph.input ?? []).filter((i) => !floatGraph.isConstant(i.name ?? '')),
      output: graph.output ?? [],
    }),
  });
}
