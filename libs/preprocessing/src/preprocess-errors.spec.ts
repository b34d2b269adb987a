import { ServiceError, type ErrorCode } from '@imgcls/contracts';
import { preprocessImage } from './index';
import { encodeBmp } from './test-bmp';
import { noisyJpeg, pngBomb, run, solid, UNIT_SPEC } from './test-images';

async function expectServiceError(
  promise: Promise<unknown>,
  code: ErrorCode,
): Promise<ServiceError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  expect((error as ServiceError).code).toBe(code);
  expect((error as ServiceError).message).not.toMatch(/\/|\bat\s/); // no paths, no stack
  return error as ServiceError;
}

describe('preprocessImage on bad input', () => {
  it('refuses a truncated JPEG as INVALID_IMAGE', async () => {
    const jpeg = await noisyJpeg();
    await expectServiceError(run(jpeg.subarray(0, jpeg.length >> 1)), 'INVALID_IMAGE');
    await expectServiceError(run(jpeg.subarray(0, 40)), 'INVALID_IMAGE'); // cut inside the header
  });

  it('refuses BMPs it cannot read: truncated, RLE, a bomb', async () => {
    const spec = { width: 4, height: 4, bitsPerPixel: 24, pixel: () => 0x123456 } as const;
    const bmp = encodeBmp(spec);
    await expectServiceError(run(bmp.subarray(0, bmp.length - 20)), 'INVALID_IMAGE');
    const palette = [[0, 0, 0] as const];
    const rle = encodeBmp({ ...spec, bitsPerPixel: 8, compression: 1, palette });
    const refused = await expectServiceError(run(rle), 'UNSUPPORTED_FORMAT');
    expect(refused.message).toBe('BMP with RLE compression is not supported');
    bmp.writeInt32LE(30_000, 18);
    bmp.writeInt32LE(-30_000, 22);
    const bomb = await expectServiceError(run(bmp.subarray(0, 54)), 'IMAGE_TOO_LARGE');
    expect(bomb.message).toBe(
      'image is 30000×30000 (900 MP); the limit is 40 MP (MAX_IMAGE_PIXELS)',
    );
  });

  it('refuses bytes that are no image as UNSUPPORTED_FORMAT', async () => {
    const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    await expectServiceError(run(noise), 'UNSUPPORTED_FORMAT');
  });

  it('refuses decodable formats the service does not accept (SVG, TIFF)', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>');
    const error = await expectServiceError(run(svg), 'UNSUPPORTED_FORMAT');
    expect(error.message).toBe(
      'the image is SVG; accepted formats are JPEG, PNG, WebP, GIF and BMP',
    );
    const tiff = await solid(4, 4, 255, 0, 0).tiff().toBuffer();
    await expectServiceError(run(tiff), 'UNSUPPORTED_FORMAT');
  });

  it('refuses a pixel bomb from its header, before decoding anything', async () => {
    // 100 bytes of pixel data: reaching the decoder would give INVALID_IMAGE instead.
    const error = await expectServiceError(run(pngBomb(30_000, 30_000)), 'IMAGE_TOO_LARGE');
    expect(error.message).toBe(
      'image is 30000×30000 (900 MP); the limit is 40 MP (MAX_IMAGE_PIXELS)',
    );
  });

  it('refuses a real image over the limit', async () => {
    const png = await solid(1200, 1000, 255, 255, 255).png().toBuffer();
    const error = await expectServiceError(
      preprocessImage(png, UNIT_SPEC, { maxInputPixels: 1_000_000 }),
      'IMAGE_TOO_LARGE',
    );
    expect(error.message).toBe('image is 1200×1000 (1.2 MP); the limit is 1 MP (MAX_IMAGE_PIXELS)');
  });
});
