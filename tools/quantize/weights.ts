import { dimsOf, floatData, node, onnx, tensor } from '@imgcls/onnx';
import type { WeightBits } from '@imgcls/models';

export interface QuantizedConstant {
  initializers: onnx.ITensorProto[];
  dequantize: onnx.INodeProto;
  /** Per-channel scales, for the bias that follows. */
  scales: Float32Array;
}

/**
 * The largest |q|: 127 with 8 bits, 63 with 7 (onnxruntime's `reduce_range`). Without VNNI, x86
 * int8 kernels multiply uint8 × int8 pairs with vpmaddubsw, which saturates at 32767:
 * 2 × 255 × 127 overflows, 2 × 255 × 63 does not. With VNNI (or AMX) the dot product is exact
 * and the 8th bit halves the rounding noise: on a Zen 4 EPYC (AVX-512 VNNI) the INT8 test
 * model's median |Δp| against fp32 went 0.037 → 0.021, and only 8 bits reproduce the zoo
 * MobileNetV2's weights (every channel of it reaches ±127).
 */
function weightMax(bits: WeightBits): number {
  return 2 ** (bits - 1) - 1;
}

/** Per output channel along `axis`: the scale that maps the channel's largest |w| to `max`. */
function channelScales(
  w: Float32Array,
  dims: readonly number[],
  axis: number,
  max: number,
): Float32Array {
  const channels = dims[axis] ?? 1;
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const maxAbs = new Float32Array(channels);
  for (let i = 0; i < w.length; i++) {
    const c = Math.floor(i / inner) % channels;
    maxAbs[c] = Math.max(maxAbs[c] ?? 0, Math.abs(w[i] ?? 0));
  }
  return maxAbs.map((m) => (m > 0 ? m / max : 1));
}

/** int8 in `bits` (7 or 8), symmetric (zero point 0), one scale per output channel. */
export function quantizeWeight(
  t: onnx.ITensorProto,
  axis: number,
  bits: WeightBits,
): QuantizedConstant {
  const name = t.name ?? '';
  const dims = dimsOf(t);
  const w = floatData(t);
  const max = weightMax(bits);
  const scales = channelScales(w, dims, axis, max);
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const q = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const s = scales[Math.floor(i / inner) % scales.length] ?? 1;
    q[i] = Math.max(-max, Math.min(max, Math.round((w[i] ?? 0) / s)));
  }
  const zeros = new Int8Array(scales.length);
  return dequantized(name, [tensor(`${name}_quantized`, dims, q), scales, zeros], axis);
}

/** int32 with scale = input scale × weight scale, as the int8 kernels accumulate. */
export function quantizeBias(
  t: onnx.ITensorProto,
  inputScale: number,
  weightScales: Float32Array,
): QuantizedConstant {
  const name = t.name ?? '';
  const b = floatData(t);
  const scales = weightScales.map((s) => Math.fround(inputScale) * s);
  const q = new Int32Array(b.length);
  for (let i = 0; i < b.length; i++) {
    const v = Math.round((b[i] ?? 0) / (scales[i] ?? 1));
    q[i] = Math.max(-2147483647, Math.min(2147483647, v));
  }
  const zeros = new Int32Array(b.length);
  return dequantized(name, [tensor(`${name}_quantized`, [b.length], q), scales, zeros], 0);
}

function dequantized(
  name: string,
  [values, scales, zeros]: [onnx.ITensorProto, Float32Array, Int8Array | Int32Array],
  axis: number,
): QuantizedConstant {
  const initializers = [
    values,
    tensor(`${name}_scale`, [scales.length], scales),
    tensor(`${name}_zero_point`, [zeros.length], zeros),
  ];
  const inputs = [`${name}_quantized`, `${name}_scale`, `${name}_zero_point`];
  const dequantize = node('DequantizeLinear', inputs, [`${name}_dequantized`], {
    attributes: { axis: { int: axis } },
  });
  return { initializers, dequantize, scales };
}
