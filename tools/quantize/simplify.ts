import { onnx, toNumber } from '@imgcls/onnx';
import { indexGraph, type GraphIndex } from './graph-index';

function int64Values(t: onnx.ITensorProto): number[] {
  if (t.rawData && t.rawData.length > 0) {
    const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    return Array.from({ length: t.rawData.length / 8 }, (_, i) =>
      Number(view.getBigInt64(i * 8, true)),
    );
  }
  return (t.int64Data ?? []).map((v: unknown) => toNumber(v));
}

// Nodes that pass their first input through unchanged: exporters emit them, int8 kernels mind.
function isNoOp(n: onnx.INodeProto, index: GraphIndex): boolean {
  if (n.opType === 'Identity') return true;
  if (n.opType === 'Concat') return (n.input ?? []).length === 1;
  if (n.opType !== 'Pad') return false;
  const pads = index.initializers.get(n.input?.[1] ?? '');
  const value = n.input?.[2];
  return pads !== undefined && !value && int64Values(pads).every((p) => p === 0);
}

function constantsAsInitializers(graph: onnx.IGraphProto): onnx.IGraphProto {
  const constants: onnx.ITensorProto[] = [];
  const nodes = (graph.node ?? []).filter((n) => {
    const value =
      n.opType === 'Constant' ? n.attribute?.find((a) => a.name === 'value')?.t : undefined;
    if (value) constants.push(onnx.TensorProto.create({ ...value, name: n.output?.[0] ?? '' }));
    return !value;
  });
  return { ...graph, node: nodes, initializer: [...(graph.initializer ?? []), ...constants] };
}

/**
 * Exact clean-ups before quantizing: Constant nodes become initializers, and nodes that change
 * nothing (Identity, a one-input Concat, a Pad of zeros) are bypassed, so that the int8 chain
 * between two real ops is not broken by a float no-op. Unused initializers are dropped.
 */
export function simplifyGraph(input: onnx.IGraphProto): onnx.IGraphProto {
  const graph = constantsAsInitializers(input);
  const index = indexGraph(graph);
  const alias = new Map<string, string>();
  const resolve = (t: string): string => (alias.has(t) ? resolve(alias.get(t) as string) : t);
  const nodes: onnx.INodeProto[] = [];
  for (const n of graph.node ?? []) {
    const out = n.output?.[0] ?? '';
    if (isNoOp(n, index) && !index.graphOutputs.has(out)) alias.set(out, n.input?.[0] ?? '');
    else nodes.push(onnx.NodeProto.create({ ...n, input: (n.input ?? []).map(resolve) }));
  }
  const used = new Set(nodes.flatMap((n) => n.input ?? []));
  const initializer = (graph.initializer ?? []).filter((t) => used.has(t.name ?? ''));
  return onnx.GraphProto.create({ ...graph, node: nodes, initializer });
}
