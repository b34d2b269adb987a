import { ServiceError } from '@imgcls/contracts';
import { checkImageSize } from '@imgcls/image-probe';
import { BITFIELD_MASKS_AT, readBmpHeader, type BmpHeader } from './bmp-header';
import type { RgbImage } from './pil-resample';

/**
 * BMP → packed 8-bit RGB: the pixels of PIL's BmpImagePlugin followed by convert('RGB').
 * sharp's bundled libvips has no BMP loader, hence this one. Nothing in the header is trusted:
 * the pixel budget is checked before anything is allocated, and every read is bounded.
 */

type Rgb = readonly [number, number, number];

/** Unpacks the stored row starting at byte `from` into packed RGB from index `to`. */
type RowDecoder = (from: number, out: Uint8Array, to: number) => void;

const invalid = (message: string) => new ServiceError('INVALID_IMAGE', message);

export function decodeBmp(bytes: Uint8Array, maxInputPixels: number): RgbImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = readBmpHeader(view);
  const { width, height, bitsPerPixel: bits } = header;
  const refusal = checkImageSize(
    { width, height },
    { maxPixels: maxInputPixels, maxSidePx: Infinity, maxAspectRatio: Infinity },
  );
  if (refusal) throw refusal;
  const { decodeRow, pixelOffset } =
    bits <= 8 ? paletteRows(bytes, header) : maskedRows(view, header);
  // Rows are padded to 4 bytes but, as PIL allows, the last one stored may lack its padding.
  const stride = Math.ceil((width * bits) / 32) * 4;
  const needed = pixelOffset + (height - 1) * stride + Math.ceil((width * bits) / 8);
  if (needed > bytes.length) {
    const claimed = `${width}×${height} pixels of ${bits} bits need ${needed} bytes`;
    throw invalid(`the BMP pixel data is truncated: ${claimed}; the file has ${bytes.length}`);
  }
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const stored = header.topDown ? y : height - 1 - y;
    decodeRow(pixelOffset + stored * stride, data, y * width * 3);
  }
  return { width, height, data };
}

/** 1-, 4- and 8-bit pixels: palette indices, most significant bits first. */
function paletteRows(bytes: Uint8Array, header: BmpHeader) {
  const { width, bitsPerPixel: bits, paletteStart, paletteEntryBytes } = header;
  const colors = header.colorsUsed || 2 ** bits;
  if (colors > 256) throw invalid(`the BMP palette has ${colors} colours; the most is 256`);
  // Entries past 2^bits can never be indexed, so they are not read.
  const palette = readPalette(bytes, paletteStart, paletteEntryBytes, Math.min(colors, 2 ** bits));
  const usable = palette.length / 3;
  const indexMask = (1 << bits) - 1;
  const decodeRow: RowDecoder = (from, out, to) => {
    for (let x = 0, bit = 0, o = to; x < width; x++, bit += bits) {
      const index = ((bytes[from + (bit >>> 3)] ?? 0) >>> (8 - bits - (bit & 7))) & indexMask;
      if (index >= usable) {
        throw invalid(`the BMP pixel data uses colour ${index}; the palette has ${usable}`);
      }
      out[o++] = palette[index * 3] ?? 0;
      out[o++] = palette[index * 3 + 1] ?? 0;
      out[o++] = palette[index * 3 + 2] ?? 0;
    }
  };
  // Some writers leave the palette out of the pixel offset; PIL corrects for it the same way.
  const { pixelOffset } = header;
  const skipPalette = pixelOffset === paletteStart ? paletteEntryBytes * colors : 0;
  return { decodeRow, pixelOffset: pixelOffset + skipPalette };
}

/** The palette's B, G, R(, reserved) entries as packed RGB. */
function readPalette(bytes: Uint8Array, start: number, entryBytes: number, colors: number) {
  if (start + entryBytes * colors > bytes.length) {
    throw invalid(`the BMP palette of ${colors} colours is truncated`);
  }
  const rgb = new Uint8Array(colors * 3);
  for (let i = 0; i < colors; i++) {
    const entry = start + i * entryBytes;
    rgb.set([bytes[entry + 2] ?? 0, bytes[entry + 1] ?? 0, bytes[entry] ?? 0], i * 3);
  }
  return rgb;
}

/** Where one colour channel sits in a 16-, 24- or 32-bit pixel, and its 8-bit values. */
interface Channel {
  mask: number;
  shift: number;
  /** Field value → byte as Pillow's unpackers scale it: v * 255 / max, rounded down. */
  levels: Uint8Array;
}

const DEFAULT_MASKS: Readonly<Record<number, Rgb>> = {
  16: [0x7c00, 0x3e0, 0x1f], // x1r5g5b5
  24: [0xff0000, 0xff00, 0xff],
  32: [0xff0000, 0xff00, 0xff], // the 4th byte is ignored, as convert('RGB') drops it
};

/** 16-, 24- and 32-bit pixels: little-endian words, channels picked out by masks. */
function maskedRows(view: DataView, header: BmpHeader) {
  const { width, bitsPerPixel: bits } = header;
  const bytesPerPixel = bits / 8;
  const [redMask, greenMask, blueMask] = readMasks(view, header);
  const [r, g, b] = [channel(redMask, bits), channel(greenMask, bits), channel(blueMask, bits)];
  const decodeRow: RowDecoder = (from, out, to) => {
    for (let x = 0, at = from, o = to; x < width; x++, at += bytesPerPixel) {
      let pixel = view.getUint16(at, true);
      if (bytesPerPixel > 2) pixel |= view.getUint8(at + 2) << 16;
      if (bytesPerPixel > 3) pixel |= view.getUint8(at + 3) << 24;
      out[o++] = r.levels[(pixel & r.mask) >>> r.shift] ?? 0;
      out[o++] = g.levels[(pixel & g.mask) >>> g.shift] ?? 0;
      out[o++] = b.levels[(pixel & b.mask) >>> b.shift] ?? 0;
    }
  };
  return { decodeRow, pixelOffset: header.pixelOffset };
}

function readMasks(view: DataView, header: BmpHeader): Rgb {
  const defaults = DEFAULT_MASKS[header.bitsPerPixel] ?? [0, 0, 0];
  if (!header.bitfields) return defaults;
  if (view.byteLength < BITFIELD_MASKS_AT + 12) {
    throw invalid('the BMP bitfield masks are truncated');
  }
  const mask = (i: number) => view.getUint32(BITFIELD_MASKS_AT + 4 * i, true);
  const masks: Rgb = [mask(0), mask(1), mask(2)];
  // PIL reads a 32-bit file with all-zero masks as BGRA: the default layout, alpha dropped.
  return masks.every((m) => m === 0) ? defaults : masks;
}

function channel(mask: number, bits: number): Channel {
  const shift = 31 - Math.clz32(mask & -mask);
  const max = mask >>> shift;
  const contiguous = mask !== 0 && (max & (max + 1)) === 0;
  if (!contiguous || max > 0xffff || (bits < 32 && mask >= 2 ** bits)) {
    const allowed = 'a mask must be one run of at most 16 bits inside the pixel';
    const message = `BMP bitfield mask 0x${mask.toString(16)} is not supported; ${allowed}`;
    throw new ServiceError('UNSUPPORTED_FORMAT', message);
  }
  const levels = Uint8Array.from({ length: max + 1 }, (_, v) => Math.floor((v * 255) / max));
  return { mask, shift, levels };
}
