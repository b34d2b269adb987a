import sharp from 'sharp';
import { ServiceError } from '@imgcls/contracts';
import { checkImageHeader } from '@imgcls/image-probe';
import { decodeBmp } from './bmp-decode';
import type { RgbImage } from './pil-resample';

/**
 * Decodes to packed 8-bit RGB at full size, as PIL's `open(...).convert('RGB')` does: EXIF
 * orientation applied, first frame only, alpha dropped (not composited), grey expanded to
 * three channels, 16-bit reduced to 8-bit, CMYK converted. Embedded ICC profiles are ignored
 * because PIL ignores them; applying them moves the colours away from the reference.
 */
export async function decodeRgb(
  bytes: Uint8Array,
  maxInputPixels: number,
  shrinkTo?: number,
  timeoutS = 0,
): Promise<RgbImage> {
  // The api checked sides and aspect ratio too; here only the decoder's own pixel budget, with
  // the same parser and rules (microseconds, where asking libvips costs a trip to its threads).
  const { format, width, height } = checkImageHeader(bytes, {
    maxPixels: maxInputPixels,
    maxSidePx: Infinity,
    maxAspectRatio: Infinity,
  });
  // sharp's bundled libvips has no BMP loader. BMP has no EXIF orientation, and PIL ignores
  // a V5 header's ICC profile as it ignores the others'.
  if (format === 'bmp') return decodeBmp(bytes, maxInputPixels);
  const shrink =
    shrinkTo === undefined || format !== 'jpeg' ? 1 : jpegShrink(width, height, shrinkTo);
  const decoder = sharp(bytes, {
    // 'error' accepts what libjpeg only warns about (stray bytes before a marker), as PIL
    // does; sharp's default 'warning' doesn't. libjpeg "decodes" a header followed by zeros
    // without a word, so the probe above refuses truncated files and such data first.
    failOn: 'error',
    limitInputPixels: maxInputPixels,
    sequentialRead: true,
    ignoreIcc: true,
  })
    .timeout({ seconds: timeoutS })
    .rotate();
  if (shrink > 1) {
    // Exactly 1/shrink of each (oriented) side: libjpeg scales in the DCT and nothing is
    // resampled after it, so the exact PIL resize still does all the filtering. Only large
    // JPEGs get here, so reading their EXIF orientation costs little next to their decode.
    const { orientation = 1 } = await sharp(bytes, { limitInputPixels: false })
      .metadata()
      .catch(corrupt('the image header is corrupt or truncated'));
    const [w, h] = orientation >= 5 ? [height, width] : [width, height];
    decoder.resize(Math.ceil(w / shrink), Math.ceil(h / shrink), {
      kernel: 'nearest',
      fit: 'fill',
      fastShrinkOnLoad: true,
    });
  }
  const { data, info } = await decoder
    .removeAlpha()
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true })
    .catch((error: unknown) => {
      // sharp's documented way to tell its timeout from a decoding error.
      if (error instanceof Error && error.message.includes('timeout')) throw tooSlow(timeoutS);
      return corrupt('the image data is corrupt or truncated')();
    });
  if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
    throw new ServiceError(
      'INVALID_IMAGE',
      `the image decoded to ${info.channels} channels, not RGB`,
    );
  }
  return { width: info.width, height: info.height, data };
}

const tooSlow = (timeoutS: number) =>
  new ServiceError(
    'IMAGE_TOO_COMPLEX',
    `the image took over ${timeoutS} s to decode; send a smaller or simpler image`,
  );

const corrupt = (message: string) => (): never => {
  throw new ServiceError('INVALID_IMAGE', message);
};

/**
 * libjpeg's DCT scaling decodes a large JPEG at 1/8 or 1/4 of its size several times faster
 * (a 12-MP photo: 58 → 30 ms, and the resize after it reads 16× fewer pixels). It is used only
 * while the decoded image keeps at least twice the pixels per side that the resize keeps, so
 * PIL's antialiasing filter still averages over several input pixels per output pixel; a test
 * shows the classes and probabilities stay those of the full decode. Smaller images, and so
 * the reference photos, decode at full size.
 */
function jpegShrink(width: number, height: number, shrinkTo: number): number {
  const shortSide = Math.min(width, height);
  return [8, 4].find((k) => Math.floor(shortSide / k) >= 2 * shrinkTo) ?? 1;
}

/**
 * Process-wide decoder settings, set once at a worker's start. libvips' operation cache only
 * helps when the same image comes back, and its own threads per image compete with the
 * model for the cores: one thread per image, many images at once, is cheaper here.
 */
export function configureDecoder(options: { threadsPerImage: number }): void {
  sharp.cache(false);
  sharp.concurrency(options.threadsPerImage);
}
