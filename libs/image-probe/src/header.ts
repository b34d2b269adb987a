import { ServiceError } from '@imgcls/contracts';
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
 * Reads the format and size from the header alone and refuses, as a ServiceError, bytes in a
 * format not accepted, a header too broken to give a size, and a size over `limits`, before any
 * pixel is decoded. The api checks every upload with it, and the worker again before decoding.
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
  return { format, ...size };
}
