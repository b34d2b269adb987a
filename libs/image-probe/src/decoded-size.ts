import type { ImageSize } from './dimensions';
import type { ImageFormat } from './formats';
import { inspectGif } from './gif';
import { inspectJpeg } from './jpeg';
import { inspectWebp } from './webp';

/**
 * The size the decoder will really produce, from a walk over the whole file's structure (no
 * pixel is decoded): a GIF's screen grown by every frame, a WebP's canvas with every frame
 * checked against it, a JPEG's one frame with its scans counted and its end found. PNG and
 * BMP decode to exactly their header's size. Throws a ServiceError for a malformed structure.
 */
export function decodedImageSize(
  bytes: Uint8Array,
  format: ImageFormat,
  declared: ImageSize,
): ImageSize {
  switch (format) {
    case 'jpeg':
      return inspectJpeg(bytes);
    case 'gif':
      return inspectGif(bytes);
    case 'webp':
      return inspectWebp(bytes);
    case 'png':
    case 'bmp':
      return declared;
  }
}
