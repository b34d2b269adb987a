import type { RgbImage } from './pil-resample';
import type { ModelSpec } from './model-spec';

/**
 * The float32 value torchvision produces for byte `v` in channel `c`: ToTensor's `v / 255`,
 * then Normalize's `(x - mean) / std`, each step rounded to float32 as torch does (mean and
 * std are float32 tensors there too). Rounding a float64 result of one operation to float32
 * equals doing that operation in float32, so Math.fround after each step is exact.
 */
export function normalizedValue(v: number, c: 0 | 1 | 2, spec: ModelSpec): number {
  const x = Math.fround(v / spec.scale);
  const mean = Math.fround(spec.mean[c]);
  const std = Math.fround(spec.std[c]);
  return Math.fround(Math.fround(x - mean) / std);
}

/** All 256 possible values per channel (768 floats, cheap), so each pixel is a look-up. */
function lookupTables(spec: ModelSpec): Float32Array[] {
  return ([0, 1, 2] as const).map((c) =>
    Float32Array.from({ length: 256 }, (_, v) => normalizedValue(v, c, spec)),
  );
}

/** HWC uint8 RGB → CHW float32, normalised, written into `out` from `offset`. */
export function writeChw(image: RgbImage, spec: ModelSpec, out: Float32Array, offset: number) {
  const plane = image.width * image.height;
  const { data } = image;
  lookupTables(spec).forEach((table, c) => {
    const base = offset + c * plane;
    for (let i = 0; i < plane; i++) out[base + i] = table[data[i * 3 + c] as number] as number;
  });
}
