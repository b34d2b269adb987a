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

/** Tables already built, by scale, mean and std: a worker serves one spec for its life. */
const tables = new Map<string, Float32Array>();

/**
 * All 256 possible values per channel (768 floats), so each pixel is a look-up: channel c's
 * value for byte v is at `c * 256 + v`. Built once per spec, not per image (it cost ~0.1 ms of
 * a worker's ~3 ms of main-thread CPU per photo); callers only read it.
 */
export function normalizationTable(spec: ModelSpec): Float32Array {
  const key = `${spec.scale}|${spec.mean.join()}|${spec.std.join()}`;
  let table = tables.get(key);
  if (table === undefined) {
    table = Float32Array.from({ length: 3 * 256 }, (_, i) =>
      normalizedValue(i & 255, (i >> 8) as 0 | 1 | 2, spec),
    );
    tables.set(key, table);
  }
  return table;
}

/** HWC uint8 RGB → CHW float32, normalised, written into `out` from `offset`. */
export function writeChw(image: RgbImage, spec: ModelSpec, out: Float32Array, offset: number) {
  const plane = image.width * image.height;
  const { data } = image;
  const table = normalizationTable(spec);
  for (let c = 0; c < 3; c++) {
    const base = offset + c * plane;
    for (let i = 0; i < plane; i++) {
      out[base + i] = table[c * 256 + (data[i * 3 + c] as number)] as number;
    }
  }
}
