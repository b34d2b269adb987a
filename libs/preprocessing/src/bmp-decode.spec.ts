import { ServiceError, type ErrorCode } from '@imgcls/contracts';
import { decodeBmp } from './bmp-decode';
import { encodeBmp, rgbToBmp24, type BmpSpec } from './test-bmp';

const LIMIT = 40_000_000;

/** 3×2, so that rows need padding (9 bytes → 12 in 24-bit) and order is visible. */
const RGB = [
  [255, 0, 0],
  [0, 255, 0],
  [0, 0, 255],
  [10, 20, 30],
  [200, 100, 50],
  [255, 255, 255],
] as const;
const PIXELS = { width: 3, height: 2, data: Uint8Array.from(RGB.flat()) };
const colourAt = (x: number, y: number) => RGB[y * 3 + x] ?? [0, 0, 0];
const bgrWord = (x: number, y: number) => {
  const [r, g, b] = colourAt(x, y);
  return (r << 16) | (g << 8) | b;
};

const decode = (bytes: Uint8Array) => decodeBmp(bytes, LIMIT);
const bytesOf = (image: { data: Uint8Array }) => Array.from(image.data);
const unique = (values: number[]) => [...new Set(values)];

function refusal(bytes: Uint8Array, code: ErrorCode, maxInputPixels = LIMIT): string {
  let error: unknown;
  try {
    decodeBmp(bytes, maxInputPixels);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ServiceError);
  expect((error as ServiceError).code).toBe(code);
  return (error as ServiceError).message;
}

describe('decodeBmp: the pixels PIL reads', () => {
  it.each([false, true])('reads 24-bit BI_RGB, top-down %s', (topDown) => {
    const image = decode(rgbToBmp24(PIXELS, topDown));
    expect(image).toMatchObject({ width: 3, height: 2 });
    expect(bytesOf(image)).toEqual(bytesOf(PIXELS));
  });

  it('reads 32-bit BI_RGB, ignoring the 4th byte', () => {
    const spec: BmpSpec = { width: 3, height: 2, bitsPerPixel: 32, pixel: bgrWord };
    const junk = { ...spec, pixel: (x: number, y: number) => bgrWord(x, y) | (0x5a << 24) };
    expect(bytesOf(decode(encodeBmp(junk)))).toEqual(bytesOf(PIXELS));
  });

  it.each([40, 108, 124] as const)('reads 32-bit bitfields (XBGR), %i-byte header', (size) => {
    const bmp = encodeBmp({
      width: 3,
      height: 2,
      bitsPerPixel: 32,
      headerSize: size,
      masks: [0xff000000, 0xff0000, 0xff00],
      pixel: (x, y) => (bgrWord(x, y) << 8) | 0x77,
    });
    expect(bytesOf(decode(bmp))).toEqual(bytesOf(PIXELS));
  });

  it.each([40, 56, 124] as const)('reads 16-bit 565 bitfields, %i-byte header', (size) => {
    // [r5, g6, b5] fields; each byte is v * 255 / max rounded down, as in Pillow's BGR;16.
    const fields = [
      [31, 63, 31],
      [1, 1, 1],
      [16, 32, 16],
      [0, 0, 0],
    ] as const;
    const bmp = encodeBmp({
      width: 2,
      height: 2,
      bitsPerPixel: 16,
      headerSize: size,
      masks: [0xf800, 0x7e0, 0x1f],
      pixel: (x, y) => {
        const [r, g, b] = fields[y * 2 + x] ?? [0, 0, 0];
        return (r << 11) | (g << 5) | b;
      },
    });
    expect(bytesOf(decode(bmp))).toEqual([255, 255, 255, 8, 4, 8, 131, 129, 131, 0, 0, 0]);
  });

  it('reads 16-bit BI_RGB as x1r5g5b5', () => {
    const bmp = encodeBmp({
      width: 2,
      height: 1,
      bitsPerPixel: 16,
      pixel: (x) => (x === 0 ? 0x7fff : (1 << 10) | (2 << 5) | 3),
    });
    expect(bytesOf(decode(bmp))).toEqual([255, 255, 255, 8, 16, 24]);
  });

  it('reads an 8-bit palette with fewer than 256 colours', () => {
    const bmp = encodeBmp({
      width: 3,
      height: 2,
      bitsPerPixel: 8,
      palette: RGB,
      pixel: (x, y) => y * 3 + x,
    });
    expect(bytesOf(decode(bmp))).toEqual(bytesOf(PIXELS));
  });

  it('reads a 4-bit palette of 3-byte entries in an OS/2 core header', () => {
    const palette = Array.from({ length: 16 }, (_, i) => RGB[i] ?? ([i, i, i] as const));
    const bmp = encodeBmp({
      width: 3,
      height: 2,
      bitsPerPixel: 4,
      headerSize: 12,
      palette,
      pixel: (x, y) => y * 3 + x,
    });
    expect(bytesOf(decode(bmp))).toEqual(bytesOf(PIXELS));
  });

  it('reads 1-bit pixels, most significant bit first, across byte boundaries', () => {
    const width = 10;
    const on = (x: number, y: number) => (x + y) % 3 === 0;
    const bmp = encodeBmp({
      width,
      height: 3,
      bitsPerPixel: 1,
      palette: [
        [0, 0, 128],
        [255, 200, 0],
      ],
      pixel: (x, y) => (on(x, y) ? 1 : 0),
    });
    const expected = Array.from({ length: width * 3 }, (_, i) =>
      on(i % width, Math.floor(i / width)) ? [255, 200, 0] : [0, 0, 128],
    );
    expect(bytesOf(decode(bmp))).toEqual(expected.flat());
  });

  it('finds the pixels when the offset forgets the palette, as PIL does', () => {
    const bmp = encodeBmp({ width: 3, height: 2, bitsPerPixel: 8, palette: RGB, pixel: () => 4 });
    bmp.writeUInt32LE(14 + 40, 10); // where the palette starts
    expect(unique(bytesOf(decode(bmp)))).toEqual([200, 100, 50]);
  });
});

describe('decodeBmp on bad input', () => {
  it('refuses pixel data shorter than the header says, but not a last row without padding', () => {
    const bmp = rgbToBmp24(PIXELS); // rows of 9 bytes padded to 12
    expect(bytesOf(decode(bmp.subarray(0, bmp.length - 3)))).toEqual(bytesOf(PIXELS));
    expect(refusal(bmp.subarray(0, bmp.length - 4), 'INVALID_IMAGE')).toBe(
      'the BMP pixel data is truncated: 3×2 pixels of 24 bits need 75 bytes; the file has 74',
    );
    expect(refusal(bmp.subarray(0, 30), 'INVALID_IMAGE')).toBe(
      'the BMP header is truncated: the file has 30 bytes',
    );
  });

  it('refuses a pixel bomb from its header alone, before allocating', () => {
    // No pixel data at all: getting past the size check would give INVALID_IMAGE instead.
    for (const topDown of [false, true]) {
      const header = encodeBmp({ width: 1, height: 1, bitsPerPixel: 24, topDown, pixel: () => 0 });
      header.writeInt32LE(30_000, 18);
      header.writeInt32LE(topDown ? -30_000 : 30_000, 22);
      expect(refusal(header.subarray(0, 54), 'IMAGE_TOO_LARGE')).toBe(
        'image is 30000×30000 (900 MP); the limit is 40 MP (MAX_IMAGE_PIXELS)',
      );
    }
  });

  it.each([
    [1, 8, 'BMP with RLE compression is not supported'],
    [2, 4, 'BMP with RLE compression is not supported'],
    [4, 24, 'BMP with JPEG compression is not supported'],
    [6, 32, 'BMP compression 6 with 32-bit pixels is not supported'],
    [3, 8, 'BMP compression 3 with 8-bit pixels is not supported'],
  ] as const)('refuses compression %i on %i-bit pixels', (compression, bits, message) => {
    const palette = bits <= 8 ? [[0, 0, 0] as const] : undefined;
    const bmp = encodeBmp({
      width: 2,
      height: 2,
      bitsPerPixel: bits,
      compression,
      palette,
      pixel: () => 0,
    });
    expect(refusal(bmp, 'UNSUPPORTED_FORMAT')).toBe(message);
  });

  it('refuses a palette index past the palette', () => {
    const bmp = encodeBmp({
      width: 3,
      height: 1,
      bitsPerPixel: 8,
      palette: RGB,
      pixel: (x) => x * 4,
    });
    expect(refusal(bmp, 'INVALID_IMAGE')).toBe(
      'the BMP pixel data uses colour 8; the palette has 6',
    );
  });

  it('refuses a palette cut short', () => {
    const bmp = encodeBmp({ width: 1, height: 1, bitsPerPixel: 8, palette: RGB, pixel: () => 0 });
    bmp.writeUInt32LE(200, 46); // biClrUsed: 200 colours claimed, 6 stored
    expect(refusal(bmp, 'INVALID_IMAGE')).toBe('the BMP palette of 200 colours is truncated');
  });

  it('refuses a negative width and a mask that is not one run of bits', () => {
    const bmp = rgbToBmp24(PIXELS);
    bmp.writeInt32LE(-3, 18);
    expect(refusal(bmp, 'INVALID_IMAGE')).toBe('the BMP width is -3; it must be positive');
    const masked = encodeBmp({
      width: 1,
      height: 1,
      bitsPerPixel: 16,
      masks: [0xf00f, 0x7e0, 0x1f],
      pixel: () => 0,
    });
    expect(refusal(masked, 'UNSUPPORTED_FORMAT')).toMatch(/^BMP bitfield mask 0xf00f is not/);
  });
});
