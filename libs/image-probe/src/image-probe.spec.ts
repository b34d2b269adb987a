import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import {
  checkImageHeader,
  checkImageSize,
  describeRefusedFormat,
  readImageSize,
  sniffFormat,
} from './index';

const photo = path.resolve(__dirname, '../../../../shared/images/n01440764_tench.JPEG');
const limits = { maxPixels: 40_000_000, maxSidePx: 10_000, maxAspectRatio: 20 };

const blank = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#808080' } });

/** A BMP's file header and DIB header, without pixels: all the probe reads. */
function bmpHeader(headerSize: number, width: number, height: number): Buffer {
  const bytes = Buffer.alloc(14 + headerSize);
  bytes.write('BM', 0, 'latin1');
  bytes.writeUInt32LE(bytes.length + 4, 2); // file size: one 1×1 pixel row follows
  bytes.writeUInt32LE(bytes.length, 10); // pixel data offset
  bytes.writeUInt32LE(headerSize, 14);
  if (headerSize === 12) {
    bytes.writeUInt16LE(width, 18);
    bytes.writeUInt16LE(height, 20);
  } else {
    bytes.writeInt32LE(width, 18);
    bytes.writeInt32LE(height, 22);
  }
  return bytes;
}

describe('sniffFormat and readImageSize', () => {
  it('reads a real JPEG photo', async () => {
    const bytes = await readFile(photo);
    const meta = await sharp(bytes).metadata();
    expect(sniffFormat(bytes)).toBe('jpeg');
    expect(readImageSize(bytes, 'jpeg')).toEqual({ width: meta.width, height: meta.height });
  });

  it.each([
    ['png', () => blank(321, 123).png().toBuffer()],
    ['gif', () => blank(321, 123).gif().toBuffer()],
    ['webp', () => blank(321, 123).webp({ lossless: false }).toBuffer()],
    ['webp', () => blank(321, 123).webp({ lossless: true }).toBuffer()],
    ['webp', () => blank(321, 123).webp().withMetadata({ orientation: 3 }).toBuffer()],
    ['jpeg', () => blank(321, 123).jpeg({ progressive: true }).toBuffer()],
  ] as const)('reads a %s header without decoding', async (format, make) => {
    const bytes = await make();
    expect(sniffFormat(bytes)).toBe(format);
    expect(readImageSize(bytes, format)).toEqual({ width: 321, height: 123 });
  });

  it.each([12, 40, 52, 56, 108, 124])('reads a BMP with a %i-byte DIB header', (size) => {
    const bytes = bmpHeader(size, 321, 123);
    expect(sniffFormat(bytes)).toBe('bmp');
    expect(readImageSize(bytes, 'bmp')).toEqual({ width: 321, height: 123 });
  });

  it('reads a top-down BMP (negative height) and the size of a BMP bomb', () => {
    expect(readImageSize(bmpHeader(40, 321, -123), 'bmp')).toEqual({ width: 321, height: 123 });
    const bomb = readImageSize(bmpHeader(124, 30_000, -30_000), 'bmp');
    expect(bomb).toEqual({ width: 30_000, height: 30_000 });
    expect(checkImageSize(bomb ?? { width: 0, height: 0 }, limits)?.message).toBe(
      'image is 30000×30000 (900 MP); the limit is 40 MP (MAX_IMAGE_PIXELS)',
    );
  });

  it('gives no size for a BMP with a negative width or a header cut short', () => {
    expect(readImageSize(bmpHeader(40, -321, 123), 'bmp')).toBeUndefined();
    const cut = bmpHeader(40, 321, 123).subarray(0, 24);
    expect(sniffFormat(cut)).toBe('bmp');
    expect(readImageSize(cut, 'bmp')).toBeUndefined();
  });

  it.each([
    ['a zero DIB header size', () => Buffer.concat([Buffer.from('BM'), Buffer.alloc(60)])],
    ['an OS/2 2.x (64-byte) header', () => bmpHeader(64, 8, 8)],
    ['pixels inside the header', () => bmpHeader(40, 8, 8).fill(20, 10, 11)],
    ['a file size short of the pixels', () => bmpHeader(40, 8, 8).fill(30, 2, 3)],
    ['text that starts with BM', () => Buffer.from('BMW is a car maker, founded in 1916')],
  ])('does not take %s for a BMP', (_name, make) => {
    const bytes = make();
    expect(sniffFormat(bytes)).toBeUndefined();
    expect(describeRefusedFormat(bytes)).toBeUndefined();
  });

  it('reads the declared size of a bomb from its first bytes', async () => {
    const bytes = await blank(64, 64).png().toBuffer();
    bytes.writeUInt32BE(30_000, 16);
    bytes.writeUInt32BE(30_000, 20);
    expect(readImageSize(bytes.subarray(0, 24), 'png')).toEqual({ width: 30_000, height: 30_000 });
  });

  it('gives no size for a PNG signature followed by anything but an IHDR chunk', async () => {
    const bytes = await blank(8, 8).png().toBuffer();
    bytes.write('JUNK', 12, 'latin1');
    expect(sniffFormat(bytes)).toBe('png');
    expect(readImageSize(bytes, 'png')).toBeUndefined();
  });

  it('skips stray bytes between JPEG segments, as libjpeg and PIL do', async () => {
    const jpeg = await blank(321, 123).jpeg().toBuffer();
    const afterApp0 = 4 + jpeg.readUInt16BE(4);
    const bytes = Buffer.concat([
      jpeg.subarray(0, afterApp0),
      Buffer.from([0x12, 0x34]),
      jpeg.subarray(afterApp0),
    ]);
    expect(readImageSize(bytes, 'jpeg')).toEqual({ width: 321, height: 123 });
  });

  it('gives no size for a header cut short', async () => {
    const bytes = await blank(10, 10).jpeg().toBuffer();
    expect(sniffFormat(bytes.subarray(0, 20))).toBe('jpeg');
    expect(readImageSize(bytes.subarray(0, 20), 'jpeg')).toBeUndefined();
  });

  it.each([
    ['text', Buffer.from('hello, this is not an image')],
    ['empty', Buffer.alloc(0)],
    ['random', Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37 + 11) % 256))],
  ])('recognises no format in %s bytes', (_name, bytes) => {
    expect(sniffFormat(bytes)).toBeUndefined();
  });
});

describe('describeRefusedFormat', () => {
  it.each([
    ['TIFF', () => blank(8, 8).tiff().toBuffer()],
    ['AVIF', () => blank(8, 8).avif().toBuffer()],
    ['SVG', () => Promise.resolve(Buffer.from('<?xml version="1.0"?>\n<svg xmlns="x"/>'))],
    ['SVG', () => Promise.resolve(Buffer.from('  <svg width="10" height="10"></svg>'))],
    ['PDF', () => Promise.resolve(Buffer.from('%PDF-1.7\n'))],
    ['PostScript/EPS', () => Promise.resolve(Buffer.from('%!PS-Adobe-3.0 EPSF-3.0\n'))],
  ] as const)('names %s', async (name, make) => {
    const bytes = await make();
    expect(sniffFormat(bytes)).toBeUndefined();
    expect(describeRefusedFormat(bytes)).toBe(name);
  });
});

describe('checkImageSize', () => {
  it('accepts an ordinary photo', () => {
    expect(checkImageSize({ width: 500, height: 375 }, limits)).toBeUndefined();
  });

  it.each([
    [
      30_000,
      30_000,
      'IMAGE_TOO_LARGE',
      'image is 30000×30000 (900 MP); the limit is 40 MP (MAX_IMAGE_PIXELS)',
    ],
    [
      10_001,
      100,
      'IMAGE_TOO_LARGE',
      'image is 10001×100; each side may be at most 10000 px (MAX_IMAGE_SIDE_PX)',
    ],
    [
      2_100,
      100,
      'IMAGE_TOO_LARGE',
      'image is 2100×100 (aspect ratio 21:1); the limit is 20:1 (MAX_ASPECT_RATIO)',
    ],
    [0, 0, 'INVALID_IMAGE', 'image is 0×0; it has no pixels'],
  ])('refuses %i×%i', (width, height, code, message) => {
    const error = checkImageSize({ width, height }, limits);
    expect(error?.code).toBe(code);
    expect(error?.message).toBe(message);
  });
});

describe('checkImageHeader', () => {
  it('gives the format and size of an accepted image', async () => {
    const bytes = await blank(321, 123).png().toBuffer();
    expect(checkImageHeader(bytes, limits)).toEqual({ format: 'png', width: 321, height: 123 });
  });

  it('names a refused format, or says the bytes are no image', () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>');
    expect(() => checkImageHeader(svg, limits)).toThrow(
      'the image is SVG; accepted formats are JPEG, PNG, WebP, GIF and BMP',
    );
    expect(() => checkImageHeader(Buffer.from('hello'), limits)).toThrow(
      'the bytes are not a recognised image; accepted formats are JPEG, PNG, WebP, GIF and BMP',
    );
  });

  it('refuses a header cut short, and a size over the limits', async () => {
    const jpeg = await blank(10, 10).jpeg().toBuffer();
    expect(() => checkImageHeader(jpeg.subarray(0, 20), limits)).toThrow(
      'the JPEG header is incomplete or malformed',
    );
    const wide = await blank(4000, 100).png().toBuffer();
    expect(() => checkImageHeader(wide, limits)).toThrow('aspect ratio 40:1');
  });
});
