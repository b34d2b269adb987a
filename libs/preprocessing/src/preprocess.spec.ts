import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { decodeRgb } from './decode';
import { IMAGENET_SPEC, preprocessInto } from './index';
import { rgbToBmp24 } from './test-bmp';
import {
  noisyJpeg,
  OPTIONS,
  PLANE,
  planes,
  run,
  sameBytes,
  solid,
  UNIT_SPEC,
  unique,
} from './test-images';

const photo = path.resolve(__dirname, '../../../../shared/images/n01440764_tench.JPEG');

describe('preprocessImage', () => {
  it('returns a 3 × crop × crop tensor for a 1×1 PNG', async () => {
    const png = await solid(1, 1, 10, 20, 30).png().toBuffer();
    const tensor = await run(png, IMAGENET_SPEC);
    expect(tensor).toHaveLength(3 * PLANE);
    expect(tensor.every(Number.isFinite)).toBe(true);
    expect(planes(await run(png)).map(unique)).toEqual([[10], [20], [30]]);
  });

  it('expands a grayscale JPEG to three equal channels', async () => {
    const jpeg = await noisyJpeg(1);
    expect((await sharp(jpeg).metadata()).channels).toBe(1);
    const [r, g, b] = planes(await run(jpeg));
    expect(g).toEqual(r);
    expect(b).toEqual(r);
    expect(unique(r).length).toBeGreaterThan(10);
  });

  it('drops alpha without compositing, as PIL convert("RGB") does', async () => {
    const rgba = Buffer.from([10, 20, 30, 0]); // fully transparent: colour must survive
    const png = await sharp(rgba, { raw: { width: 1, height: 1, channels: 4 } })
      .png()
      .toBuffer();
    expect(planes(await run(png)).map(unique)).toEqual([[10], [20], [30]]);
  });

  it('reduces a 16-bit PNG to its high bytes instead of clipping to white', async () => {
    const png = await solid(8, 8, 200, 100, 50).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(png).metadata()).depth).toBe('ushort');
    expect(planes(await run(png)).map(unique)).toEqual([[200], [100], [50]]);
  });

  it('converts a CMYK JPEG to RGB', async () => {
    const jpeg = await solid(8, 8, 200, 100, 50).toColourspace('cmyk').jpeg().toBuffer();
    expect((await sharp(jpeg).metadata()).space).toBe('cmyk');
    // libvips converts through a CMYK ICC profile, so the round trip is close, not exact.
    const [r, g, b] = planes(await run(jpeg)).map((plane) => plane[0] ?? NaN);
    expect(Math.abs((r ?? NaN) - 200)).toBeLessThanOrEqual(20);
    expect(Math.abs((g ?? NaN) - 100)).toBeLessThanOrEqual(20);
    expect(Math.abs((b ?? NaN) - 50)).toBeLessThanOrEqual(20);
  });

  it('accepts a JPEG with a libjpeg warning, as PIL does', async () => {
    // Two stray bytes after the first segment (APP0): "Corrupt JPEG data: 2 extraneous bytes
    // before marker 0xdb". failOn 'warning' (sharp's default) would refuse this decodable image.
    const jpeg = await solid(16, 16, 90, 120, 150).jpeg().toBuffer();
    const afterApp0 = 4 + jpeg.readUInt16BE(4);
    const damaged = Buffer.concat([
      jpeg.subarray(0, afterApp0),
      Buffer.from([0x12, 0x34]),
      jpeg.subarray(afterApp0),
    ]);
    expect(planes(await run(damaged))).toEqual(planes(await run(jpeg)));
  });

  it('applies EXIF orientation 6 (rotate 90° clockwise)', async () => {
    const width = 40;
    const height = 24;
    const raw = Buffer.from(Array.from({ length: width * height * 3 }, (_, i) => (i * 7) % 251));
    const source = sharp(raw, { raw: { width, height, channels: 3 } });
    const tagged = await source.clone().withMetadata({ orientation: 6 }).png().toBuffer();
    const rotated = await source.clone().rotate(90).png().toBuffer();
    const unrotated = await source.clone().png().toBuffer();
    const result = await run(tagged);
    expect(result).toEqual(await run(rotated));
    expect(result).not.toEqual(await run(unrotated));
  });

  it('uses the first frame of an animated GIF', async () => {
    const red = Buffer.alloc(8 * 6 * 3, Buffer.from([255, 0, 0]));
    const blue = Buffer.alloc(8 * 6 * 3, Buffer.from([0, 0, 255]));
    const gif = await sharp(Buffer.concat([red, blue]), {
      raw: { width: 8, height: 12, channels: 3, pageHeight: 6 },
    })
      .gif({ loop: 0 })
      .toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    expect(planes(await run(gif)).map(unique)).toEqual([[255], [0], [0]]);
  });

  it('gives a BMP the same tensor as a JPEG and a PNG of the same pixels', async () => {
    const jpeg = await readFile(photo);
    const pixels = await decodeRgb(jpeg, OPTIONS.maxInputPixels);
    const { width, height } = pixels;
    const png = await sharp(pixels.data, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer();
    const fromJpeg = await run(jpeg, IMAGENET_SPEC);
    expect(sameBytes(await run(png, IMAGENET_SPEC), fromJpeg)).toBe(true);
    for (const topDown of [false, true]) {
      const bmp = rgbToBmp24(pixels, topDown);
      const decoded = await decodeRgb(bmp, OPTIONS.maxInputPixels);
      expect([decoded.width, decoded.height]).toEqual([width, height]);
      expect(sameBytes(decoded.data, pixels.data)).toBe(true);
      expect(sameBytes(await run(bmp, IMAGENET_SPEC), fromJpeg)).toBe(true);
    }
  });

  it('fills one slot of a batch tensor in place', async () => {
    const png = await solid(3, 2, 51, 102, 153).png().toBuffer();
    const batch = new Float32Array(2 * 3 * PLANE).fill(-1);
    await preprocessInto(png, UNIT_SPEC, OPTIONS, batch, 3 * PLANE);
    expect(batch.subarray(0, 3 * PLANE).every((v) => v === -1)).toBe(true);
    expect(batch.subarray(3 * PLANE)).toEqual(await run(png));
    await expect(preprocessInto(png, UNIT_SPEC, OPTIONS, batch, 3 * PLANE + 1)).rejects.toThrow(
      RangeError,
    );
  });
});
