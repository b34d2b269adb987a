// AssemblyScript, compiled to WebAssembly (SIMD) by `npm run wasm`; see ../src/resample-wasm.ts.
// The same arithmetic as ../src/pil-resample.ts (Pillow's ImagingResampleHorizontal_8bpc and
// ImagingResampleVertical_8bpc), a pixel's three channels or sixteen bytes at a time. Every pointer
// is a byte offset into this module's memory, laid out by the JavaScript side; the loads and
// stores below may touch up to 16 bytes past each buffer, which that layout leaves free.

const PRECISION_BITS: i32 = 22;
const HALF: i32 = 1 << (PRECISION_BITS - 1);

/** Where the JavaScript side may start placing buffers. */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * Horizontal pass over `rowCount` rows of packed RGB, `srcWidth` pixels wide, starting at `src`.
 * Output pixel x reads `lengths[x]` pixels from `starts[x]` with the fixed-point `weights` at
 * `x * stride` (i32 arrays). One i32x4 holds R, G, B and a lane that is ignored.
 */
export function horizontal(
  src: usize,
  srcWidth: i32,
  rowCount: i32,
  starts: usize,
  lengths: usize,
  weights: usize,
  stride: i32,
  outWidth: i32,
  dst: usize,
): void {
  const rowBytes = <usize>srcWidth * 3;
  const half = i32x4.splat(HALF);
  let out = dst;
  for (let y = 0; y < rowCount; y++) {
    const row = src + <usize>y * rowBytes;
    for (let x = 0; x < outWidth; x++) {
      const xi = (<usize>x) << 2;
      let p = row + <usize>load<i32>(starts + xi) * 3;
      let k = weights + ((<usize>x * <usize>stride) << 2);
      const end = k + ((<usize>load<i32>(lengths + xi)) << 2);
      let acc = half;
      for (; k < end; k += 4, p += 3) {
        const pixel = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(p)));
        acc = i32x4.add(acc, i32x4.mul(pixel, i32x4.splat(load<i32>(k))));
      }
      // clip8: the saturating narrows clamp to 0..255 exactly as Pillow's comparisons do.
      const value = i32x4.shr_s(acc, PRECISION_BITS);
      const words = i16x8.narrow_i32x4_s(value, value);
      v128.store32_lane(out, i8x16.narrow_i16x8_u(words, words), 0);
      out += 3;
    }
  }
}

/**
 * Vertical pass: output row y sums `lengths[y]` rows of `band` from row `starts[y]`, weighted
 * by `weights` at `y * stride`, sixteen bytes (any mix of channels) at a time.
 */
export function vertical(
  band: usize,
  rowBytes: i32,
  outHeight: i32,
  starts: usize,
  lengths: usize,
  weights: usize,
  stride: i32,
  dst: usize,
): void {
  const half = i32x4.splat(HALF);
  const bytes = <usize>rowBytes;
  for (let y = 0; y < outHeight; y++) {
    const yi = (<usize>y) << 2;
    const first = band + <usize>load<i32>(starts + yi) * bytes;
    const taps = <usize>load<i32>(lengths + yi);
    const k0 = weights + ((<usize>y * <usize>stride) << 2);
    const out = dst + <usize>y * bytes;
    for (let c: usize = 0; c < bytes; c += 16) {
      let a0 = half;
      let a1 = half;
      let a2 = half;
      let a3 = half;
      for (let i: usize = 0; i < taps; i++) {
        const w = i32x4.splat(load<i32>(k0 + (i << 2)));
        const px = v128.load(first + i * bytes + c);
        const lo = i16x8.extend_low_i8x16_u(px);
        const hi = i16x8.extend_high_i8x16_u(px);
        a0 = i32x4.add(a0, i32x4.mul(i32x4.extend_low_i16x8_u(lo), w));
        a1 = i32x4.add(a1, i32x4.mul(i32x4.extend_high_i16x8_u(lo), w));
        a2 = i32x4.add(a2, i32x4.mul(i32x4.extend_low_i16x8_u(hi), w));
        a3 = i32x4.add(a3, i32x4.mul(i32x4.extend_high_i16x8_u(hi), w));
      }
      const low = i16x8.narrow_i32x4_s(
        i32x4.shr_s(a0, PRECISION_BITS),
        i32x4.shr_s(a1, PRECISION_BITS),
      );
      const high = i16x8.narrow_i32x4_s(
        i32x4.shr_s(a2, PRECISION_BITS),
        i32x4.shr_s(a3, PRECISION_BITS),
      );
      v128.store(out + c, i8x16.narrow_i16x8_u(low, high));
    }
  }
}

/**
 * Packed RGB bytes → three float32 planes (CHW) through a 3 × 256 look-up table of the
 * normalised values, so each value is the exact float torchvision computes.
 */
export function toChw(src: usize, pixels: i32, table: usize, dst: usize): void {
  const plane = (<usize>pixels) << 2;
  for (let i: usize = 0; i < <usize>pixels; i++) {
    const p = src + i * 3;
    const o = dst + (i << 2);
    store<f32>(o, load<f32>(table + ((<usize>load<u8>(p)) << 2)));
    store<f32>(o + plane, load<f32>(table + 1024 + ((<usize>load<u8>(p + 1)) << 2)));
    store<f32>(o + 2 * plane, load<f32>(table + 2048 + ((<usize>load<u8>(p + 2)) << 2)));
  }
}
