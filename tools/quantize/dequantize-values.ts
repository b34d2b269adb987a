import { dimsOf, onnx, toNumber } from '@imgcls/onnx';

const { DataType } = onnx.TensorProto;

/** Integer ranges of the quantized element types, by ONNX data type. */
const INTEGER_RANGES = new Map<number, { min: number; max: number }>([
  [DataType.UINT8, { min: 0, max: 255 }],
  [DataType.INT8, { min: -128, max: 127 }],
]);

/** The representable range of a quantized tensor whose zero point has this element type. */
export function integerRange(zeroPoint: onnx.ITensorProto): { min: number; max: number } {
  const range = INTEGER_RANGES.get(zeroPoint.dataType ?? 0);
  if (!range) {
    throw new Error(
      `zero point ${zeroPoint.name ?? '?'} is ${DataType[zeroPoint.dataType ?? 0]}, expected UINT8 or INT8`,
    );
  }
  return range;
}

/** raw_data copied into its own aligned buffer (a decoded Buffer can sit inside a larger one). */
function rawBytes(t: onnx.ITensorProto): ArrayBuffer {
  return new Uint8Array(t.rawData ?? new Uint8Array(0)).buffer;
}

/** How raw_data reads, by ONNX data type (little-endian, as ONNX stores it). */
const RAW_READERS = new Map<number, (buffer: ArrayBuffer) => ArrayLike<number>>([
  [DataType.FLOAT, (b) => new Float32Array(b)],
  [DataType.UINT8, (b) => new Uint8Array(b)],
  [DataType.INT8, (b) => new Int8Array(b)],
  [DataType.INT32, (b) => new Int32Array(b)],
  [DataType.INT64, (b) => Array.from(new BigInt64Array(b), Number)],
]);

function fromRaw(t: onnx.ITensorProto): ArrayLike<number> {
  const read = RAW_READERS.get(t.dataType ?? 0);
  if (!read) {
    throw new Error(`tensor ${t.name ?? '?'} has unsupported type ${DataType[t.dataType ?? 0]}`);
  }
  return read(rawBytes(t));
}

/** A numeric initializer's values as doubles, from raw_data or whichever typed field holds them. */
export function tensorNumbers(t: onnx.ITensorProto): Float64Array {
  const count = dimsOf(t).reduce((a, b) => a * b, 1);
  const values =
    t.rawData && t.rawData.length > 0
      ? fromRaw(t)
      : t.dataType === DataType.FLOAT
        ? (t.floatData ?? [])
        : t.dataType === DataType.INT64
          ? (t.int64Data ?? []).map(toNumber)
          : (t.int32Data ?? []);
  if (values.length !== count) {
    throw new Error(`tensor ${t.name ?? '?'} holds ${values.length} values for ${count}`);
  }
  return Float64Array.from(values);
}

/**
 * (q − zero point) × scale, with one scale and zero point for the whole tensor or one per slice
 * along `axis` (per output channel for Conv weights, per column for MatMul's right operand).
 */
export function dequantizeValues(
  quantized: Float64Array,
  dims: readonly number[],
  scale: Float64Array,
  zeroPoint: Float64Array,
  axis: number,
): Float32Array {
  const channels = scale.length === 1 ? 1 : (dims[axis] ?? 0);
  if (scale.length !== channels || zeroPoint.length !== scale.length) {
    throw new Error(
      `${scale.length} scales and ${zeroPoint.length} zero points do not fit axis ${axis} of [${dims.join(', ')}]`,
    );
  }
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new Float32Array(quantized.length);
  for (let i = 0; i < quantized.length; i++) {
    const c = channels === 1 ? 0 : Math.floor(i / inner) % channels;
    out[i] = ((quantized[i] ?? 0) - (zeroPoint[c] ?? 0)) * (scale[c] ?? 0);
  }
  return out;
}
