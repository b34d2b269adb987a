import { ServiceError } from '@imgcls/contracts';
import { u16le } from './bytes';
import type { ImageSize } from './dimensions';

const invalid = (why: string) => new ServiceError('INVALID_IMAGE', `the GIF ${why}`);

/** Bytes of a colour table whose presence and size a packed field declares. */
const colourTableBytes = (packed: number): number =>
  packed & 0x80 ? 3 * 2 ** ((packed & 0x07) + 1) : 0;

/** Skips a chain of data sub-blocks (length byte, data), ending at the 0 terminator. */
function skipSubBlocks(b: Uint8Array, at: number): number {
  while (at < b.length) {
    const length = b[at] ?? 0;
    at += 1 + length;
    if (length === 0) return at;
  }
  throw invalid('is cut short inside a data block');
}

/**
 * The canvas a GIF decodes to. libvips' GIF loader grows the logical screen to hold every
 * frame (left + width, top + height), so a 1×1 screen can hide a 9000×4000 frame: the size is
 * the screen together with every frame descriptor, walked without decoding any pixel.
 */
export function inspectGif(b: Uint8Array): ImageSize {
  if (b.length < 13) throw invalid('header is incomplete');
  let width = u16le(b, 6);
  let height = u16le(b, 8);
  let at = 13 + colourTableBytes(b[10] ?? 0);
  let frames = 0;
  while (at < b.length) {
    const block = b[at];
    if (block === 0x3b) break; // trailer
    if (block === 0x21) at = skipSubBlocks(b, at + 2);
    else if (block === 0x2c) {
      if (at + 10 > b.length) throw invalid('is cut short inside a frame header');
      width = Math.max(width, u16le(b, at + 1) + u16le(b, at + 5));
      height = Math.max(height, u16le(b, at + 3) + u16le(b, at + 7));
      frames += 1;
      at = skipSubBlocks(b, at + 10 + colourTableBytes(b[at + 9] ?? 0) + 1);
    } else {
      throw invalid(`has an unknown block 0x${(block ?? 0).toString(16)} at byte ${at}`);
    }
  }
  if (frames === 0) throw invalid('has no frame');
  return { width, height };
}
