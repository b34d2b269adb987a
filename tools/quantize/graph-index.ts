import { onnx, toNumber } from '@imgcls/onnx';

/** A model the tool cannot quantize, or bad input to it; the CLI prints the message as is. */
export class QuantizeError extends Error {
  override readonly name = 'QuantizeError';
}

/** Who makes and who reads each tensor, and which tensors are constants. */
export interface GraphIndex {
  readonly graph: onnx.IGraphProto;
  readonly initializers: Map<string, onnx.ITensorProto>;
  readonly producers: Map<string, onnx.INodeProto>;
  readonly consumers: Map<string, onnx.INodeProto[]>;
  readonly graphOutputs: Set<string>;
}

export function indexGraph(graph: onnx.IGraphProto): GraphIndex {
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const producers = new Map<string, onnx.INodeProto>();
  const consumers = new Map<string, onnx.INodeProto[]>();
  for (const n of graph.node ?? []) {
    for (const output of n.output ?? []) producers.set(output, n);
    for (const input of n.input ?? []) {
      if (input === '') continue;
      consumers.set(input, [...(consumers.get(input) ?? []), n]);
    }
  }
  const graphOutputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  return { graph, initializers, producers, consumers, graphOutputs };
}

export function intAttribute(n: onnx.INodeProto, name: string, fallback: number): number {
  const found = (n.attribute ?? []).find((a) => a.name === name);
  return found ? toNumber(found.i) : fallback;
}

export function floatAttribute(n: onnx.INodeProto, name: string, fallback: number): number {
  const found = (n.attribute ?? []).find((a) => a.name === name);
  return found?.f ?? fallback;
}

/** The node's input `i`, which must be present. */
export function inputOf(n: onnx.INodeProto, i: number): string {
  const name = n.input?.[i];
  if (!name) throw new QuantizeError(`${n.opType} node "${n.name ?? ''}" has no input ${i}`);
  return name;
}

export function outputOf(n: onnx.INodeProto): string {
  const name = n.output?.[0];
  if (!name) throw new QuantizeError(`${n.opType} node "${n.name ?? ''}" has no output`);
  return name;
}
