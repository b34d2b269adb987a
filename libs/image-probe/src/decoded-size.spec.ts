import { readFile } from 'node:fs/promises';
import { gifWithFrame, jpegWithData, progressiveJpegBomb, samplePhotos } from '@imgcls/testing';
import sharp from 'sharp';
import { checkImageHeader, MAX_JPEG_SCAN_PIXELS, MAX_JPEG_SCANS } from './index';

const limits = { maxPixels: 40_000_000, maxSidePx: 10_000, maxAspectRatio: 20 };
const refusal = (bytes: Uint8Array): { code: string; message: string } | undefined => {
  try {
    checkImageHeader(bytes, limits);
    return undefined;
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
};
const tench = () => readFile(samplePhotos()[0]?.path ?? '');

describe('JPEG structure', () => {
  it('accepts every shared photo and a 12-MP progressive camera-like JPEG', async () => {
    for (const photo of samplePhotos())
      expect([photo.file, refusal(await readFile(photo.path))]).toEqual([photo.file, undefined]);
    const camera = await sharp(await tench())
      .resize(4000, 3000, { fit: 'fill' })
      .jpeg({ quality: 92, progressive: true })
      .toBuffer();
    expect(checkImageHeader(camera, limits)).toEqual({ format: 'jpeg', width: 4000, height: 3000 });
  });

  it(`accepts ${MAX_JPEG_SCANS} scans and refuses one more, whatever the file's size`, async () => {
    expect(refusal(await progressiveJpegBomb(64, MAX_JPEG_SCANS))).toBeUndefined();
    expect(refusal(await progressiveJpegBomb(6000, 10))).toBeUndefined(); // flat: runs of 0x00
    const bomb = refusal(await progressiveJpegBomb(64, MAX_JPEG_SCANS + 1));
    expect(bomb?.code).toBe('IMAGE_TOO_COMPLEX');
    expect(bomb?.message).toContain(`more progressive scans than the ${MAX_JPEG_SCANS} allowed`);
  });

  it('allows fewer scans of a larger image: scans × pixels stay under the budget', async () => {
    const allowed = Math.floor(MAX_JPEG_SCAN_PIXELS / (6000 * 6000));
    expect(refusal(await progressiveJpegBomb(6000, allowed))).toBeUndefined();
    expect(refusal(await progressiveJpegBomb(6000, allowed + 1))?.message).toBe(
      `the JPEG has more progressive scans than the ${allowed} allowed at 6000×6000, which costs ` +
        'seconds of CPU to decode; re-save it as a baseline JPEG or with the default settings',
    );
  });

  it.each([
    ['2 MiB of zeros, no end marker', 'zeros', 2 << 20, false, 'repeats the byte 0x00'],
    ['2 MiB of zeros and an end marker', 'zeros', 2 << 20, true, 'repeats the byte 0x00'],
    ['1 MiB of noise', 'noise', 1 << 20, true, 'the JPEG '],
    ['a few bytes of zeros, no end marker', 'zeros', 100, false, 'the file is truncated'],
  ] as const)(
    'refuses a real header followed by %s',
    async (_name, fill, bytes, endMarker, why) => {
      const garbage = jpegWithData(await tench(), fill, bytes, { endMarker });
      expect(refusal(garbage)?.code).toBe('INVALID_IMAGE');
      expect(refusal(garbage)?.message).toContain(why);
    },
  );

  it('refuses a truncated photo, and a height left to a DNL marker (0 in the frame header)', async () => {
    const photo = await tench();
    expect(refusal(photo.subarray(0, photo.length >> 1))?.message).toContain('truncated');
    const sof = photo.indexOf(Buffer.from([0xff, 0xc0]));
    const dnl = Buffer.from(photo);
    dnl.writeUInt16BE(0, sof + 5);
    expect(refusal(dnl)?.code).toBe('INVALID_IMAGE'); // libjpeg refuses DNL heights too
  });
});

describe('GIF frames', () => {
  it.each([
    [
      { width: 9000, height: 5000 },
      'image is 9000×5000 (45 MP); the limit is 40 MP (MAX_IMAGE_PIXELS)',
    ],
    [
      { width: 20_000, height: 10 },
      'image is 20000×10; each side may be at most 10000 px (MAX_IMAGE_SIDE_PX)',
    ],
    [
      { width: 5000, height: 10 },
      'image is 5000×10 (aspect ratio 500:1); the limit is 20:1 (MAX_ASPECT_RATIO)',
    ],
  ])('refuses a 1×1 screen with a %o frame', (frame, message) => {
    expect(refusal(gifWithFrame({ width: 1, height: 1 }, frame))).toEqual({
      code: 'IMAGE_TOO_LARGE',
      message,
    });
  });

  it('gives the canvas the decoder grows to, and a real GIF its own size', async () => {
    const grown = gifWithFrame({ width: 100, height: 300 }, { width: 400, height: 20 });
    expect(checkImageHeader(grown, limits)).toEqual({ format: 'gif', width: 400, height: 300 });
    const real = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#123' } })
      .gif()
      .toBuffer();
    expect(checkImageHeader(real, limits)).toEqual({ format: 'gif', width: 32, height: 24 });
  });
});

describe('WebP canvas', () => {
  it('refuses an extended WebP whose bitstream is larger than its canvas', async () => {
    const webp = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#123' } })
      .webp({ lossless: false })
      .withMetadata({ orientation: 3 })
      .toBuffer();
    expect(webp.toString('latin1', 12, 16)).toBe('VP8X');
    expect(checkImageHeader(webp, limits)).toEqual({ format: 'webp', width: 32, height: 24 });
    const vp8 = webp.indexOf('VP8 ', 30, 'latin1');
    webp.writeUInt16LE(9000, vp8 + 8 + 6);
    expect(refusal(webp)?.message).toBe('the WebP has a 9000×24 VP8 frame on a 32×24 canvas');
  });
});
