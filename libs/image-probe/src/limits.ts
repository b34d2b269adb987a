import { ServiceError } from '@imgcls/contracts';
import type { ImageSize } from './dimensions';

/** Bounds on what a decoder may be asked to allocate. */
export interface ImageLimits {
  maxPixels: number;
  maxSidePx: number;
  maxAspectRatio: number;
}

const megapixels = (pixels: number): string => `${Math.round(pixels / 1e5) / 10} MP`;

/**
 * Why this declared size is refused, as an error a client can act on; undefined when it is
 * acceptable. Checked on the header alone, so a decompression bomb is refused unopened.
 */
export function checkImageSize(size: ImageSize, limits: ImageLimits): ServiceError | undefined {
  const { width, height } = size;
  const shown = `image is ${width}×${height}`;
  if (width === 0 || height === 0)
    return new ServiceError('INVALID_IMAGE', `${shown}; it has no pixels`);
  const tooLarge = (why: string) => new ServiceError('IMAGE_TOO_LARGE', `${shown}${why}`);
  const pixels = width * height;
  if (pixels > limits.maxPixels) {
    return tooLarge(
      ` (${megapixels(pixels)}); the limit is ${megapixels(limits.maxPixels)} (MAX_IMAGE_PIXELS)`,
    );
  }
  if (Math.max(width, height) > limits.maxSidePx) {
    return tooLarge(`; each side may be at most ${limits.maxSidePx} px (MAX_IMAGE_SIDE_PX)`);
  }
  const ratio = Math.max(width, height) / Math.min(width, height);
  if (ratio > limits.maxAspectRatio) {
    return tooLarge(
      ` (aspect ratio ${Math.round(ratio)}:1); the limit is ${limits.maxAspectRatio}:1 (MAX_ASPECT_RATIO)`,
    );
  }
  return undefined;
}
