import { onnx } from './onnx-model';

const { AttributeType } = onnx.AttributeProto;

/** An attribute value; integers and floats are told apart explicitly, as ONNX needs. */
export type AttributeValue =
  | { int: number }
  | { ints: readonly number[] }
  | { float: number }
  | { floats: readonly number[] }
  | { string: string }
  | { tensor: onnx.ITensorProto };

function attribute(name: string, value: AttributeValue): onnx.AttributeProto {
  if ('int' in value)
    return onnx.AttributeProto.create({ name, type: AttributeType.INT, i: value.int });
  if ('ints' in value) {
    return onnx.AttributeProto.create({ name, type: AttributeType.INTS, ints: [...value.ints] });
  }
  if ('float' in value) {
    return onnx.AttributeProto.create({ name, type: AttributeType.FLOAT, f: value.float });
  }
  if ('floats' in value) {
    return onnx.AttributeProto.create({
      name,
      type: AttributeType.FLOATS,
      floats: [...value.floats],
    });
  }
  if ('string' in value) {
    const s = new TextEncoder().encode(value.string);
    return onnx.AttributeProto.create({ name, type: AttributeType.STRING, s });
  }
  return onnx.AttributeProto.create({ name, type: AttributeType.TENSOR, t: value.tensor });
}

/** One graph node; attributes are written in the order given, so output bytes are stable. */
export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  options: { name?: string; attributes?: Record<string, AttributeValue>; domain?: string } = {},
): onnx.NodeProto {
  return onnx.NodeProto.create({
    opType,
    input: [...inputs],
    output: [...outputs],
    name: options.name ?? outputs[0] ?? opType,
    domain: options.domain ?? '',
    attribute: Object.entries(options.attributes ?? {}).map(([n, v]) => attribute(n, v)),
  });
}

/** A float32 graph input or output; a string dimension is symbolic (e.g. the batch). */
export function floatValueInfo(
  name: string,
  shape: readonly (number | string)[],
): onnx.ValueInfoProto {
  const dim = shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim } } },
  });
}
