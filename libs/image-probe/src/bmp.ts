import type { ImageSize } from './dimensions';

/**
 * DIB header sizes of the BMP versions the service reads: OS/2 1.x core header (12), Windows
 * info header (40) and its V2 (52), V3 (56), V4 (108) and V5 (124) extensions. OS/2 2.x (64)
 * is left out: its compression codes mean other things.
 */
export const BMP_HEADER_SIZES: ReadonlySet<number> = new Set([12, 40, 52, 56, 108, 124]);

/** The 14-byte file header comes first; the DIB header, starting with its own size, follows. */
const FILE_HEADER_BYTES = 14;

const u16le = (b: Uint8Array, at: number): number => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
const i32le = (b: Uint8Array, at: number): number => u16le(b, at) | (u16le(b, at + 2) << 16);
const u32le = (b: Uint8Array, at: number): number => i32le(b, at) >>> 0;

/**
 * 'BM' alone is too weak a signature (text can start with it), so the header must be
 * plausible too: a known DIB header size, pixels after the headers, and a file size field
 * that is either unset (0, which some writers leave) or reaches the pixels.
 */
export function looksLikeBmp(b: Uint8Array): boolean {
  if (b.length < FILE_HEADER_BYTES + 4 || b[0] !== 0x42 || b[1] !== 0x4d) return false;
  const fileSize = u32le(b, 2);
  const pixelOffset = u32le(b, 10);
  const headerSize = u32le(b, FILE_HEADER_BYTES);
  return (
    BMP_HEADER_SIZES.has(headerSize) &&
    pixelOffset >= FILE_HEADER_BYTES + headerSize &&
    (fileSize === 0 || fileSize >= pixelOffset)
  );
}

/**
 * The declared size: u16 fields in the core header, i32 in the others, where a negative
 * height means rows are stored top-down. Undefined when cut short or the width is negative.
 */
export function bmpSize(b: Uint8Array): ImageSize | undefined {
  if (u32le(b, FILE_HEADER_BYTES) === 12) {
    return b.length >= 22 ? { width: u16le(b, 18), height: u16le(b, 20) } : undefined;
  }
  if (b.length < 26) return undefined;
  const width = i32le(b, 18);
  return width >= 0 ? { width, height: Math.abs(i32le(b, 22)) } : undefined;
}
