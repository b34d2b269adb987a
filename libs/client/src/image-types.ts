import { extname } from 'node:path';
import { IMAGE_FORMATS } from '@imgcls/contracts';

/** The formats the api accepts, by file extension (lower case, no dot): the api's own list. */
export const IMAGE_TYPES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.values(IMAGE_FORMATS).flatMap(({ mediaType, extensions }) =>
    extensions.map((extension) => [extension, mediaType]),
  ),
);

/**
 * The media type a file name suggests, or undefined for other names. The api sniffs the bytes
 * anyway; this only labels the upload and picks the files in a folder.
 */
export function imageTypeForName(name: string): string | undefined {
  const extension = extname(name).slice(1).toLowerCase();
  return Object.hasOwn(IMAGE_TYPES, extension) ? IMAGE_TYPES[extension] : undefined;
}
