import type { CropWindow, Size } from './geometry';

/**
 * A port of Pillow's antialiased BILINEAR resize for 8-bit RGB (src/libImaging/Resample.c:
 * precompute_coeffs, normalize_coeffs_8bpc, ImagingResampleHorizontal_8bpc and
 * ImagingResampleVertical_8bpc). The reference pipeline resized with PIL; libvips' kernels
 * differ enough to move the model's probabilities, so the arithmetic is reproduced here,
 * integer rounding included. Only the pixels inside the crop window are computed; each one
 * depends on its own coefficients alone, so the result is bit-identical to a full resize.
 */

/** Packed 8-bit RGB, row-major, 3 bytes per pixel (sharp's raw output). */
export interface RgbImage extends Size {
  data: Uint8Array;
}

/** Pillow's PRECISION_BITS: 32 bits less 8 for the value and 2 for overflow. */
const PRECISION_BITS = 22;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

const bilinear = (x: number): number => Math.max(0, 1 - Math.abs(x));

/** The filter taps of one output index along one axis, as floats that sum to 1. */
export interface FloatTaps {
  /** First input index read. */
  start: number;
  weights: number[];
}

/** precompute_coeffs for one output index, in the same float64 operation order as Pillow. */
export function bilinearTaps(inSize: number, outSize: number, index: number): FloatTaps {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = filterscale; // BILINEAR's support is 1.0
  const center = (index + 0.5) * scale;
  const ss = 1 / filterscale; // Pillow multiplies by the reciprocal; dividing can round differently
  const start = Math.max(Math.trunc(center - support + 0.5), 0);
  const end = Math.min(Math.trunc(center + support + 0.5), inSize);
  const weights: number[] = [];
  let sum = 0;
  for (let x = start; x < end; x++) {
    const w = bilinear((x - center + 0.5) * ss);
    weights.push(w);
    sum += w;
  }
  return { start, weights: sum === 0 ? weights : weights.map((w) => w / sum) };
}

/** normalize_coeffs_8bpc: a float weight as a fixed-point integer, rounded away from zero. */
export function toFixedPoint(weight: number): number {
  return Math.trunc(weight < 0 ? weight * ONE - 0.5 : weight * ONE + 0.5);
}

/** Fixed-point sum back to a byte: Pillow's clip8 (>> PRECISION_BITS, clamped to 0..255). */
export function clip8(sum: number): number {
  const v = sum >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Fixed-point taps for output indices [first, first + count) of one axis. */
export interface AxisTaps {
  start: Int32Array;
  length: Int32Array;
  /** `stride` weights per output index; unused ones are zero. */
  weights: Int32Array;
  stride: number;
}

export function axisTaps(inSize: number, outSize: number, first: number, count: number): AxisTaps {
  const all = Array.from({ length: count }, (_, i) => bilinearTaps(inSize, outSize, first + i));
  const stride = Math.max(...all.map((t) => t.weights.length));
  const taps: AxisTaps = {
    start: Int32Array.from(all, (t) => t.start),
    length: Int32Array.from(all, (t) => t.weights.length),
    weights: new Int32Array(count * stride),
    stride,
  };
  all.forEach((t, i) => taps.weights.set(t.weights.map(toFixedPoint), i * stride));
  return taps;
}

/**
 * Resizes `image` to `size` and returns only `window` of the result. Same order as Pillow:
 * horizontal pass first, rounded to uint8, then the vertical pass. Where an axis keeps its
 * size Pillow skips that pass; its taps are then 1.0 on the pixel itself and 0 on the next,
 * an exact identity, so no special case is needed.
 */
export function resizeAndCrop(image: RgbImage, size: Size, window: CropWindow): RgbImage {
  const cols = axisTaps(image.width, size.width, window.left, window.width);
  const rows = axisTaps(image.height, size.height, window.top, window.height);
  const firstRow = rows.start[0] ?? 0;
  const lastRow = (rows.start[window.height - 1] ?? 0) + (rows.length[window.height - 1] ?? 0);
  // A plain Uint8Array view: one array type in the hot loops, whatever the caller passed.
  const pixels = {
    ...image,
    data: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length),
  };
  const band = horizontalPass(pixels, cols, firstRow, lastRow - firstRow);
  return verticalPass(band, rows, firstRow);
}

/** ImagingResampleHorizontal_8bpc over input rows [firstRow, firstRow + rowCount). */
function horizontalPass(image: RgbImage, cols: AxisTaps, firstRow: number, rowCount: number) {
  const { start, length, weights, stride } = cols;
  const width = start.length;
  const out = new Uint8Array(rowCount * width * 3);
  const { data } = image;
  const rowBytes = image.width * 3;
  for (let y = 0, o = 0; y < rowCount; y++) {
    const rowBase = (firstRow + y) * rowBytes;
    for (let x = 0; x < width; x++, o += 3) {
      let p = rowBase + (start[x] as number) * 3;
      let k = x * stride;
      const end = k + (length[x] as number);
      let r = HALF;
      let g = HALF;
      let b = HALF;
      for (; k < end; k++, p += 3) {
        const w = weights[k] as number;
        r = (r + (data[p] as number) * w) | 0;
        g = (g + (data[p + 1] as number) * w) | 0;
        b = (b + (data[p + 2] as number) * w) | 0;
      }
      out[o] = clip8(r);
      out[o + 1] = clip8(g);
      out[o + 2] = clip8(b);
    }
  }
  return { width, height: rowCount, data: out };
}

/**
 * ImagingResampleVertical_8bpc; `band` starts at input row `firstRow`. The sums run tap by
 * tap over whole rows (sequential reads) rather than pixel by pixel down a column: integer
 * sums below 2^53 are exact, so the order does not change a single byte.
 */
function verticalPass(band: RgbImage, rows: AxisTaps, firstRow: number): RgbImage {
  const { width, data } = band;
  const height = rows.start.length;
  const rowBytes = width * 3;
  const out = new Uint8Array(height * rowBytes);
  // Int32 suffices: 255 × 2^22 plus the rounding half stays below 2^31.
  const sums = new Int32Array(rowBytes);
  for (let y = 0; y < height; y++) {
    sums.fill(HALF);
    const k = y * rows.stride;
    const n = rows.length[y] as number;
    for (let i = 0; i < n; i++) {
      const w = rows.weights[k + i] as number;
      const base = ((rows.start[y] as number) - firstRow + i) * rowBytes;
      for (let c = 0; c < rowBytes; c++)
        sums[c] = ((sums[c] as number) + (data[base + c] as number) * w) | 0;
    }
    const o = y * rowBytes;
    for (let c = 0; c < rowBytes; c++) out[o + c] = clip8(sums[c] as number);
  }
  return { width, height, data: out };
}
