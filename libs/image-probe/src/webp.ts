import { ServiceError } from '@imgcls/contracts';
import { fourcc, u16le, u24le, u32le } from './bytes';
import type { ImageSize } from './dimensions';

const invalid = (why: string) => new ServiceError('INVALID_IMAGE', `the WebP ${why}`);

/** The size a VP8 (lossy) or VP8L (lossless) bitstream declares, from its chunk's data. */
function bitstreamSize(b: Uint8Array, chunk: string, data: number): ImageSize | undefined {
  if (chunk === 'VP8 ' && data + 10 <= b.length) {
    return { width: u16le(b, data + 6) & 0x3fff, height: u16le(b, data + 8) & 0x3fff };
  }
  if (chunk === 'VP8L' && data + 5 <= b.length) {
    const bits = u32le(b, data + 1);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  return undefined;
}

/**
 * The canvas a WebP decodes to. A simple file is its one bitstream; an extended (VP8X) one
 * declares a canvas, and every still bitstream must match it and every animation frame fit
 * inside it (libwebp refuses otherwise), so no chunk can hide a larger picture.
 */
export function inspectWebp(b: Uint8Array): ImageSize {
  const first = fourcc(b, 12);
  if (first !== 'VP8X') {
    const size = bitstreamSize(b, first, 20);
    if (size === undefined) throw invalid('header is incomplete or malformed');
    return size;
  }
  if (b.length < 30) throw invalid('header is incomplete');
  const canvas = { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  for (let at = 30; at + 8 <= b.length; at += 8 + u32le(b, at + 4) + (u32le(b, at + 4) & 1)) {
    const chunk = fourcc(b, at);
    const frame = chunk === 'ANMF' ? animationFrame(b, at + 8) : bitstreamSize(b, chunk, at + 8);
    if (frame === undefined) continue;
    const fits = frame.width <= canvas.width && frame.height <= canvas.height;
    if (
      !fits ||
      (chunk !== 'ANMF' && (frame.width !== canvas.width || frame.height !== canvas.height))
    ) {
      throw invalid(
        `has a ${frame.width}×${frame.height} ${chunk.trim()} frame on a ` +
          `${canvas.width}×${canvas.height} canvas`,
      );
    }
  }
  return canvas;
}

/** An animation frame's extent: offset (in pairs of pixels) plus its size. */
function animationFrame(b: Uint8Array, data: number): ImageSize | undefined {
  if (data + 12 > b.length) return undefined;
  return {
    width: 2 * u24le(b, data) + u24le(b, data + 6) + 1,
    height: 2 * u24le(b, data + 3) + u24le(b, data + 9) + 1,
  };
}
