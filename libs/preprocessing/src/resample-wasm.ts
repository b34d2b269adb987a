import type {} from './webassembly';
import type { CropWindow, Size } from './geometry';
import { axisTaps, type AxisTaps, type RgbImage } from './pil-resample';
import { RESAMPLE_WASM_BASE64 } from './resample-wasm.generated';

/**
 * The production path of resize → crop → normalise: `../assembly/resample.ts` compiled to
 * WebAssembly with SIMD. Same taps (computed here, by pil-resample.ts), same integer
 * arithmetic and the same float table as the TypeScript port, so the output is bit-identical
 * to it (tests compare both on every shared photo and on random images), in about a fifth of
 * the time. The TypeScript port stays as the readable reference.
 */

interface ResampleExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  horizontal(
    src: number,
    srcWidth: number,
    rowCount: number,
    starts: number,
    lengths: number,
    weights: number,
    stride: number,
    outWidth: number,
    dst: number,
  ): void;
  vertical(
    band: number,
    rowBytes: number,
    outHeight: number,
    starts: number,
    lengths: number,
    weights: number,
    stride: number,
    dst: number,
  ): void;
  toChw(src: number, pixels: number, table: number, dst: number): void;
}

/** The kernels read and write up to 16 bytes past a buffer; every buffer gets that much room. */
const SLACK = 16;
const WASM_PAGE = 65_536;

let instance: ResampleExports | undefined;

/** One instance per thread, made on first use (the module is 1 KB; compiling takes < 1 ms). */
function resampleModule(): ResampleExports {
  instance ??= new WebAssembly.Instance(
    new WebAssembly.Module(Buffer.from(RESAMPLE_WASM_BASE64, 'base64')),
    {},
  ).exports as unknown as ResampleExports;
  return instance;
}

/** Consecutive 16-byte-aligned regions of the module's memory, grown to fit. */
class Layout {
  private end: number;

  constructor(private readonly wasm: ResampleExports) {
    this.end = align(wasm.heapBase());
  }

  take(bytes: number): number {
    const at = this.end;
    this.end = align(at + bytes + SLACK);
    return at;
  }

  /** Grows the memory to hold everything taken; call before creating views. */
  commit(): void {
    const missing = this.end - this.wasm.memory.buffer.byteLength;
    if (missing > 0) this.wasm.memory.grow(Math.ceil(missing / WASM_PAGE));
  }
}

const align = (n: number): number => (n + 15) & ~15;

/**
 * Taps depend only on the sizes and the window, and uploads often share their size: the last
 * few are kept. Each entry is a few KB.
 */
const tapsCache = new Map<string, AxisTaps>();
const TAPS_CACHE_SIZE = 32;

function cachedTaps(inSize: number, outSize: number, first: number, count: number): AxisTaps {
  const key = `${inSize}:${outSize}:${first}:${count}`;
  let taps = tapsCache.get(key);
  if (taps === undefined) {
    taps = axisTaps(inSize, outSize, first, count);
    if (tapsCache.size >= TAPS_CACHE_SIZE) tapsCache.clear();
    tapsCache.set(key, taps);
  }
  return taps;
}

/** Copies an axis's taps into the module's memory; returns their offsets. */
function placeTaps(wasm: ResampleExports, taps: AxisTaps, at: TapsOffsets, rowBias = 0): void {
  const view = new Int32Array(wasm.memory.buffer);
  if (rowBias === 0) view.set(taps.start, at.starts >> 2);
  else
    view.set(
      taps.start.map((s) => s - rowBias),
      at.starts >> 2,
    );
  view.set(taps.length, at.lengths >> 2);
  view.set(taps.weights, at.weights >> 2);
}

interface TapsOffsets {
  starts: number;
  lengths: number;
  weights: number;
}

function takeTaps(layout: Layout, taps: AxisTaps): TapsOffsets {
  return {
    starts: layout.take(taps.start.byteLength),
    lengths: layout.take(taps.length.byteLength),
    weights: layout.take(taps.weights.byteLength),
  };
}

/**
 * Resizes `image` to `size` as Pillow's BILINEAR does, keeps `window`, and writes it as CHW
 * float32 through `table` (see tensor.ts: normalizationTable) into `out` from `offset`.
 */
export function resizeCropToChw(
  image: RgbImage,
  size: Size,
  window: CropWindow,
  table: Float32Array,
  out: Float32Array,
  offset: number,
): void {
  const wasm = resampleModule();
  const cols = cachedTaps(image.width, size.width, window.left, window.width);
  const rows = cachedTaps(image.height, size.height, window.top, window.height);
  const firstRow = rows.start[0] ?? 0;
  const lastRow = (rows.start[window.height - 1] ?? 0) + (rows.length[window.height - 1] ?? 0);
  const srcRowBytes = image.width * 3;
  const bandRowBytes = window.width * 3;
  const bandRows = lastRow - firstRow;
  const pixels = window.width * window.height;

  const layout = new Layout(wasm);
  const src = layout.take(bandRows * srcRowBytes);
  const colsAt = takeTaps(layout, cols);
  const rowsAt = takeTaps(layout, rows);
  const band = layout.take(bandRows * bandRowBytes);
  const crop = layout.take(pixels * 3);
  const tableAt = layout.take(table.byteLength);
  const floats = layout.take(pixels * 3 * 4);
  layout.commit();

  const { buffer } = wasm.memory;
  new Uint8Array(buffer).set(
    image.data.subarray(firstRow * srcRowBytes, lastRow * srcRowBytes),
    src,
  );
  placeTaps(wasm, cols, colsAt);
  placeTaps(wasm, rows, rowsAt, firstRow);
  new Float32Array(buffer, tableAt, table.length).set(table);

  wasm.horizontal(
    src,
    image.width,
    bandRows,
    colsAt.starts,
    colsAt.lengths,
    colsAt.weights,
    cols.stride,
    window.width,
    band,
  );
  wasm.vertical(
    band,
    bandRowBytes,
    window.height,
    rowsAt.starts,
    rowsAt.lengths,
    rowsAt.weights,
    rows.stride,
    crop,
  );
  wasm.toChw(crop, pixels, tableAt, floats);
  out.set(new Float32Array(buffer, floats, pixels * 3), offset);
}
