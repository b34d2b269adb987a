import type { onnx } from '@imgcls/onnx';
import { indexGraph, outputOf, QuantizeError, type GraphIndex } from './graph-index';

/** Ops with int8 kernels: their activation inputs and their output get Q/DQ. */
const COMPUTE_OPS = new Set([
  'Conv',
  'Gemm',
  'MatMul',
  'Add',
  'Concat',
  'AveragePool',
  'GlobalAveragePool',
]);
/** Ops that move values without changing them: the output keeps the input's scale. */
const PASS_THROUGH_OPS = new Set(['MaxPool', 'Flatten', 'Reshape']);
/** Activations the int8 output's saturation can absorb (with a zero point at their floor). */
export const ACTIVATION_OPS = new Set(['Relu', 'Clip']);
const OTHER_OPS = new Set(['Constant', 'Identity', 'Pad']);

export const SUPPORTED_OPS = [...COMPUTE_OPS, ...PASS_THROUGH_OPS, ...ACTIVATION_OPS, ...OTHER_OPS];

/** Where Q/DQ pairs go: tensors with their own calibrated range, and tensors sharing one. */
export interface Placement {
  /** Tensors whose range calibration measures, in graph order. */
  calibrated: string[];
  /** Pass-through outputs → the tensor whose quantization they reuse. */
  shared: Map<string, string>;
  /** Compute nodes whose constant weights and biases become int8 and int32. */
  computeNodes: onnx.INodeProto[];
}

/** Refuses a graph with an op outside the allowlist, naming it. */
export function checkSupportedOps(graph: onnx.IGraphProto, source: string): void {
  const supported = new Set([...SUPPORTED_OPS, 'BatchNormalization']);
  for (const n of graph.node ?? []) {
    const op = `${n.domain ? `${n.domain}.` : ''}${n.opType ?? '?'}`;
    if (!supported.has(op)) {
      throw new QuantizeError(
        `${source} has a ${op} node ("${n.name ?? ''}"), which the quantizer does not support; supported: ${[...supported].join(', ')}`,
      );
    }
  }
}

// A compute node's output is quantized after the Relu or Clip that alone reads it.
function quantizedOutput(n: onnx.INodeProto, index: GraphIndex): string {
  const out = outputOf(n);
  const readers = index.consumers.get(out) ?? [];
  const only = readers.length === 1 && !index.graphOutputs.has(out) ? readers[0] : undefined;
  return only && ACTIVATION_OPS.has(only.opType ?? '') ? outputOf(only) : out;
}

/**
 * Works from the graph's structure alone. `keepFloat` names nodes to leave in float (a recipe
 * option for layers that lose too much); graph outputs always stay float.
 */
export function placeQdq(graph: onnx.IGraphProto, keepFloat: ReadonlySet<string>): Placement {
  const index = indexGraph(graph);
  const calibrated = new Set<string>();
  const shared = new Map<string, string>();
  const computeNodes: onnx.INodeProto[] = [];
  const isQuantized = (t: string) => calibrated.has(t) || shared.has(t);
  for (const n of graph.node ?? []) {
    const op = n.opType ?? '';
    if (keepFloat.has(n.name ?? '')) continue;
    if (COMPUTE_OPS.has(op)) {
      computeNodes.push(n);
      for (const input of n.input ?? []) {
        if (input && !index.initializers.has(input)) calibrated.add(input);
      }
      const out = quantizedOutput(n, index);
      if (!index.graphOutputs.has(out)) calibrated.add(out);
    } else if (PASS_THROUGH_OPS.has(op)) {
      const input = n.input?.[0] ?? '';
      const out = outputOf(n);
      if (isQuantized(input) && !index.graphOutputs.has(out)) shared.set(out, input);
    }
  }
  // An input first seen as a compute node's input may have been claimed as shared before.
  for (const t of shared.keys()) calibrated.delete(t);
  return { calibrated: [...calibrated], shared, computeNodes };
}
