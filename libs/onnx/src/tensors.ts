import { onnx, toNumber } from './onnx-model';

const { DataType } = onnx.TensorProto;

type TypedArray = Float32Array | Int32Array | Int8Array | Uint8Array | BigInt64Array;

const dataTypes = new Map<string, onnx.TensorProto.DataType>([
  ['Float32Array', DataType.FLOAT],
  ['Int32Array', DataType.INT32],
  ['Int8Array', DataType.INT8],
  ['Uint8Array', DataType.UINT8],
  ['BigInt64Array', DataType.INT64],
]);

/** An initializer holding `data` little-endian in raw_data (the compact form onnx itself writes). */
export function tensor(name: string, dims: readonly number[], data: TypedArray): onnx.TensorProto {
  const dataType = dataTypes.get(data.constructor.name);
  if (dataType === undefined) throw new Error(`no ONNX type for ${data.constructor.name}`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new Error(
      `tensor ${name}: shape [${dims.join(', ')}] needs ${count} values, got ${data.length}`,
    );
  }
  const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return onnx.TensorProto.create({ name, dims: [...dims], dataType, rawData });
}

/** A float32 tensor's values, from raw_data or float_data. */
export function floatData(t: onnx.ITensorProto): Float32Array {
  if (t.dataType !== DataType.FLOAT) {
    throw new Error(`tensor ${t.name ?? '?'} is ${DataType[t.dataType ?? 0]}, expected FLOAT`);
  }
  const count = (t.dims ?? []).reduce<number>((a, d: unknown) => a * toNumber(d), 1);
  if (t.rawData && t.rawData.length > 0) {
    if (t.rawData.length !== count * 4) {
      throw new Error(`tensor ${t.name ?? '?'} has ${t.rawData.length} bytes for ${count} floats`);
    }
    // A copy into a fresh buffer: a decoded Buffer's slice() shares its pool (and its offset).
    return new Float32Array(Uint8Array.from(t.rawData).buffer);
  }
  if ((t.floatData ?? []).length !== count) {
    throw new Error(`tensor ${t.name ?? '?'} has ${t.floatData?.length ?? 0} values for ${count}`);
  }
  return Float32Array.from(t.floatData ?? []);
}

/** A tensor's shape as plain numbers. */
export function dimsOf(t: onnx.ITensorProto): number[] {
  return (t.dims ?? []).map((d: unknown) => toNumber(d));
}
