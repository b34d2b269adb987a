import type { ImageSize } from './dimensions';

/** Bounds on what a decoder may be asked to allocate. */
export interface ImageLimits {
  maxPixels: number;
  maxSidePx: number;
  maxAspectRatio: number;
}

const megapixels = (pixels: number): string => `${Math.round(pixels / 1e5) / 10} MP`;

/** Why this size is refused, in words a client can act on; undefined when it is acceptable. */
export function checkImageSize(size: ImageSize, limits: ImageLimits): string | undefined {
  const { width, height } = size;
  const shown = `image is ${width}×${height}`;
  if (width === 0 || height === 0) return `${shown}; it has no pixels`;
  const pixels = width * height;
  if (pixels > limits.maxPixels) {
    return `${shown} (${megapixels(pixels)}); the limit is ${megapixels(limits.maxPixels)}`;
  }
  if (Math.max(width, height) > limits.maxSidePx) {
    return `${shown}; each side may be at most ${limits.maxSidePx} px`;
  }
  const ratio = Math.max(width, height) / Math.min(width, height);
  if (ratio > limits.maxAspectRatio) {
    return `${shown} (aspect ratio ${Math.round(ratio)}:1); the limit is ${limits.maxAspectRatio}:1`;
  }
  return undefined;
}
