import type { ErrorCode } from '@imgcls/contracts';
import { heicHead, seededBytes, withDeclaredJpegSize } from './container-bytes';
import type { HostileCase } from './hostile-case';
import { postMultipart, postRaw } from './http-outcome';
import { solid, sourcePhoto } from './image-fixtures';
import {
  greyPng,
  iccpBomb,
  ihdr,
  png,
  pngBomb,
  pngChunk,
  withChunksAfterIhdr,
  zTxtBomb,
} from './png-bytes';

const MiB = 1024 * 1024;

/** A refused upload: sent raw (`image/*`) unless a filename asks for multipart. */
const refused = (
  name: string,
  make: () => Promise<Buffer> | Buffer,
  status: number,
  code: ErrorCode,
  { filename, maxMs }: { filename?: string; maxMs?: number } = {},
): HostileCase => ({
  name,
  send: async ({ url }) => {
    const bytes = await make();
    return filename === undefined
      ? postRaw(url, bytes, 'image/jpeg')
      : postMultipart(url, [{ field: 'file', bytes, filename }]);
  },
  status,
  code,
  maxMs,
});

const tench = async (): Promise<Buffer> => (await sourcePhoto(0)).bytes;
const unsupported = (name: string, make: () => Promise<Buffer> | Buffer, filename?: string) =>
  refused(name, make, 415, 'UNSUPPORTED_FORMAT', { filename });
const invalid = (name: string, make: () => Promise<Buffer> | Buffer) =>
  refused(name, make, 400, 'INVALID_IMAGE');
/** Refused from the header alone: fast, whatever the pixel data would cost. */
const tooLarge = (name: string, make: () => Promise<Buffer> | Buffer) =>
  refused(name, make, 422, 'IMAGE_TOO_LARGE', { maxMs: 1_000 });

/** A lossy WebP whose VP8 frame header declares another size. */
async function webpDeclaring(width: number, height: number): Promise<Buffer> {
  const webp = Buffer.from(await solid(64, 64, (s) => s.webp({ lossless: false })));
  if (webp.toString('latin1', 12, 16) !== 'VP8 ') throw new Error('expected a lossy VP8 WebP');
  webp.writeUInt16LE(width & 0x3fff, 26);
  webp.writeUInt16LE(height & 0x3fff, 28);
  return webp;
}

/** A GIF whose logical screen declares another size. */
async function gifDeclaring(width: number, height: number): Promise<Buffer> {
  const gif = Buffer.from(await solid(64, 64, (s) => s.gif()));
  gif.writeUInt16LE(width, 6);
  gif.writeUInt16LE(height, 8);
  return gif;
}

/** Images that must be refused: wrong formats, broken files, decompression bombs. */
export const REFUSED_CASES: readonly HostileCase[] = [
  unsupported('text named photo.jpg', () => Buffer.from('this is not an image\n'), 'photo.jpg'),
  unsupported('64 KiB of random bytes', () => seededBytes(64 * 1024)),
  unsupported('TIFF', () => solid(32, 32, (s) => s.tiff())),
  unsupported('SVG', () =>
    Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>'),
  ),
  unsupported('SVG with an XML prolog and an entity', () =>
    Buffer.from(
      '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x "x">]>\n<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
    ),
  ),
  unsupported('EPS', () =>
    Buffer.from('%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n'),
  ),
  unsupported('PDF', () => Buffer.from('%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')),
  unsupported('HEIC (ftyp heic)', () => heicHead(), 'photo.heic'),
  unsupported('AVIF', () => solid(32, 32, (s) => s.avif())),
  unsupported('Photoshop PSD', () => Buffer.concat([Buffer.from('8BPS'), Buffer.alloc(60)])),
  unsupported(
    'HTML disguised as JPEG',
    () => Buffer.from('<html><script>alert(1)</script></html>'),
    'x.jpg',
  ),
  invalid('truncated JPEG (first half of a photo)', async () =>
    (await tench()).subarray(0, 50_000),
  ),
  invalid('20-byte JPEG', async () => (await tench()).subarray(0, 20)),
  invalid('JPEG whose header claims height 0', async () =>
    withDeclaredJpegSize(await tench(), 500, 0),
  ),
  invalid('0×0 PNG (hand-made IHDR)', () =>
    png(ihdr({ width: 0, height: 0 }), pngChunk('IDAT', Buffer.alloc(0))),
  ),
  invalid('PNG with IHDR and no IDAT', () => png(ihdr({ width: 8, height: 8 }))),
  invalid('PNG whose IDAT is not deflate data (valid CRC)', () =>
    png(
      ihdr({ width: 64, height: 64 }),
      pngChunk('IDAT', Buffer.concat([Buffer.from([0x78, 0x9c]), seededBytes(300)])),
    ),
  ),
  invalid('PNG with a 64 MiB zTXt bomb (over the decoder limit)', async () =>
    withChunksAfterIhdr(greyPng(64, 64), await zTxtBomb(64 * MiB)),
  ),
  invalid('PNG with a 64 MiB iCCP bomb (over the decoder limit)', async () =>
    withChunksAfterIhdr(greyPng(64, 64), await iccpBomb(64 * MiB)),
  ),
  invalid('PNG signature, then garbage', () =>
    Buffer.concat([greyPng(1, 1).subarray(0, 8), seededBytes(500)]),
  ),
  tooLarge('30000×30000 PNG bomb (real 1-bit data)', () => pngBomb(30_000, 30_000)),
  tooLarge('10000×10000 PNG bomb (real 1-bit data)', () => pngBomb(10_000, 10_000)),
  tooLarge('PNG declaring 4294967295×4294967295', () =>
    png(ihdr({ width: 0xffffffff, height: 0xffffffff })),
  ),
  tooLarge('20000×1 PNG (side and aspect ratio)', () => greyPng(20_000, 1)),
  tooLarge('2100×100 PNG (aspect ratio 21:1)', () => greyPng(2_100, 100)),
  tooLarge('JPEG declaring 9000×9000 (81 MP)', async () =>
    withDeclaredJpegSize(await tench(), 9_000, 9_000),
  ),
  tooLarge('GIF declaring 65535×65535', () => gifDeclaring(65_535, 65_535)),
  tooLarge('WebP declaring 16383×16383', () => webpDeclaring(16_383, 16_383)),
];
