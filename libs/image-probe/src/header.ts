import { ServiceError } from '@imgcls/contracts';
import { decodedImageSize } from './decoded-size';
import { readImageSize, type ImageSize } from './dimensions';
import { describeRefusedFormat, FORMAT_NAMES, sniffFormat, type ImageFormat } from './formats';
import { checkImageSize, type ImageLimits } from './limits';

/** An image's format and declared size, as its header gives them. */
export interface ImageHeader extends ImageSize {
  format: ImageFormat;
}

const NAMES = Object.values(FORMAT_NAMES);
const ACCEPTED = `accepted formats are ${NAMES.slice(0, -1).join(', ')} and ${NAMES.at(-1)}`;

/**
 * Reads the format and size without decoding a pixel and refuses, as a ServiceError, bytes in
 * a format not accepted, a header too broken to give a size, a declared size over `limits`
 * (from the first bytes, so a bomb is refused unopened), then a file whose structure is
 * malformed, costly (JPEG scans) or hides a larger decoded size (GIF frames, WebP frames) than
 * its header declares. The api checks every upload with it, and the worker again before decoding.
 */
export function checkImageHeader(bytes: Uint8Array, limits: ImageLimits): ImageHeader {
  const format = sniffFormat(bytes);
  if (format === undefined) {
    const refused = describeRefusedFormat(bytes);
    const what = refused ? `the image is ${refused}` : 'the bytes are not a recognised image';
    throw new ServiceError('UNSUPPORTED_FORMAT', `${what}; ${ACCEPTED}`);
  }
  const size = readImageSize(bytes, format);
  if (size === undefined) {
    throw new ServiceError(
      'INVALID_IMAGE',
      `the ${FORMAT_NAMES[format]} header is incomplete or malformed`,
    );
  }
  const refusal = checkImageSize(size, limits);
  if (refusal) throw refusal;
  const decoded = decodedImageSize(bytes, format, size);
  const decodedRefusal = checkImageSize(decoded, limits);
  if (decodedRefusal) throw decodedRefusal;
  return { format, ...decoded };
}
