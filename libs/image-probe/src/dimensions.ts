import { bmpSize } from './bmp';
import { u16be, u16le, u24le, u32be } from './bytes';
import type { ImageFormat } from './formats';

/** Width and height as the file's header declares them, before any decoding. */
export interface ImageSize {
  width: number;
  height: number;
}

/**
 * Reads the declared size from the first bytes; undefined when the header is cut short or
 * malformed. What a decoder really allocates can be larger (a GIF frame past its screen):
 * {@link decodedImageSize} walks the whole file for that.
 */
export function readImageSize(bytes: Uint8Array, format: ImageFormat): ImageSize | undefined {
  const size = readSize(bytes, format);
  return size && size.width >= 0 && size.height >= 0 ? size : undefined;
}

function readSize(b: Uint8Array, format: ImageFormat): ImageSize | undefined {
  switch (format) {
    case 'png':
      return pngSize(b);
    case 'gif':
      return b.length >= 10 ? { width: u16le(b, 6), height: u16le(b, 8) } : undefined;
    case 'webp':
      return webpSize(b);
    case 'jpeg':
      return jpegSize(b);
    case 'bmp':
      return bmpSize(b);
  }
}

/** The size lives in the first chunk, which must be a 13-byte IHDR. */
function pngSize(b: Uint8Array): ImageSize | undefined {
  const isHeader =
    b.length >= 24 &&
    u32be(b, 8) === 13 &&
    Buffer.from(b.subarray(12, 16)).toString('latin1') === 'IHDR';
  return isHeader ? { width: u32be(b, 16), height: u32be(b, 20) } : undefined;
}

function webpSize(b: Uint8Array): ImageSize | undefined {
  if (b.length < 30) return undefined;
  const chunk = Buffer.from(b.subarray(12, 16)).toString('latin1');
  if (chunk === 'VP8 ') return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  if (chunk === 'VP8L') {
    const bits = u16le(b, 21) | (u16le(b, 23) << 16);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  return undefined;
}

/** Start-of-frame markers carry the size: C0–CF except DHT (C4), JPG (C8) and DAC (CC). */
const isStartOfFrame = (marker: number): boolean =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

function jpegSize(b: Uint8Array): ImageSize | undefined {
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) {
      // Stray bytes between segments: libjpeg (and so PIL) warns and skips to the next marker.
      at += 1;
      continue;
    }
    const marker = b[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (isStartOfFrame(marker)) {
      return at + 9 <= b.length ? { height: u16be(b, at + 5), width: u16be(b, at + 7) } : undefined;
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // scan data or end before any frame
    at += 2 + u16be(b, at + 2);
  }
  return undefined;
}
