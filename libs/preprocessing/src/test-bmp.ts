/**
 * Test-only BMP encoder, to build files whose every stored byte the test chose. Not exported
 * from index.ts.
 */
import type { RgbImage } from './pil-resample';

export type BmpHeaderSize = 12 | 40 | 52 | 56 | 108 | 124;

export interface BmpSpec {
  width: number;
  height: number;
  bitsPerPixel: 1 | 4 | 8 | 16 | 24 | 32;
  /** The stored value of the pixel at (x, y), y from the top: a palette index or a word. */
  pixel: (x: number, y: number) => number;
  /** [r, g, b] entries, for 1-, 4- and 8-bit pixels. */
  palette?: readonly (readonly [number, number, number])[];
  /** 40 (BITMAPINFOHEADER) unless given. */
  headerSize?: BmpHeaderSize;
  /** R, G, B masks for BI_BITFIELDS: after a 40-byte header, or inside a longer one. */
  masks?: readonly [number, number, number];
  /** Rows stored top-down (negative height); bottom-up, the usual order, unless given. */
  topDown?: boolean;
  /** Overrides the compression field, to build files this decoder refuses. */
  compression?: number;
}

export function encodeBmp(spec: BmpSpec): Buffer {
  const { width, height, bitsPerPixel: bits, headerSize = 40, palette = [], masks } = spec;
  const core = headerSize === 12;
  const maskBytes = masks && headerSize === 40 ? 12 : 0;
  const paletteBytes = palette.length * (core ? 3 : 4);
  const pixelOffset = 14 + headerSize + maskBytes + paletteBytes;
  const stride = Math.ceil((width * bits) / 32) * 4;
  const file = Buffer.alloc(pixelOffset + stride * height);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(pixelOffset, 10);
  file.writeUInt32LE(headerSize, 14);
  if (core) writeCoreHeader(file, spec);
  else writeInfoHeader(file, spec, stride * height);
  masks?.forEach((mask, i) => file.writeUInt32LE(mask, 54 + 4 * i));
  palette.forEach(([r, g, b], i) => file.set([b, g, r], 14 + headerSize + i * (core ? 3 : 4)));
  for (let y = 0; y < height; y++) {
    const row = spec.topDown ? y : height - 1 - y;
    writeRow(file.subarray(pixelOffset + row * stride), spec, y);
  }
  return file;
}

function writeCoreHeader(file: Buffer, spec: BmpSpec): void {
  file.writeUInt16LE(spec.width, 18);
  file.writeUInt16LE(spec.height, 20);
  file.writeUInt16LE(1, 22); // planes
  file.writeUInt16LE(spec.bitsPerPixel, 24);
}

function writeInfoHeader(file: Buffer, spec: BmpSpec, imageBytes: number): void {
  file.writeInt32LE(spec.width, 18);
  file.writeInt32LE(spec.topDown ? -spec.height : spec.height, 22);
  file.writeUInt16LE(1, 26); // planes
  file.writeUInt16LE(spec.bitsPerPixel, 28);
  file.writeUInt32LE(spec.compression ?? (spec.masks ? 3 : 0), 30);
  file.writeUInt32LE(imageBytes, 34);
  file.writeUInt32LE(spec.palette?.length ?? 0, 46);
}

function writeRow(row: Buffer, spec: BmpSpec, y: number): void {
  const bits = spec.bitsPerPixel;
  for (let x = 0; x < spec.width; x++) {
    const value = spec.pixel(x, y);
    if (bits < 8) {
      const at = (x * bits) >> 3;
      row[at] = (row[at] ?? 0) | (value << (8 - bits - ((x * bits) & 7)));
    } else {
      for (let i = 0; i < bits / 8; i++) row[(x * bits) / 8 + i] = (value >>> (8 * i)) & 0xff;
    }
  }
}

/** A packed RGB image as a 24-bit BMP: each pixel stored as B, G, R. */
export function rgbToBmp24(image: RgbImage, topDown = false): Buffer {
  const at = (x: number, y: number, c: number) => image.data[(y * image.width + x) * 3 + c] ?? 0;
  return encodeBmp({
    width: image.width,
    height: image.height,
    bitsPerPixel: 24,
    topDown,
    pixel: (x, y) => (at(x, y, 0) << 16) | (at(x, y, 1) << 8) | at(x, y, 2),
  });
}
