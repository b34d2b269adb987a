import { extname } from 'node:path';

/** The formats the api accepts, by file extension (lower case, no dot). */
export const IMAGE_TYPES: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  bmp: 'image/bmp',
};

/**
 * The media type a file name suggests, or undefined for other names. The api sniffs the bytes
 * anyway; this only labels the upload and picks the files in a folder.
 */
export function imageTypeForName(name: string): string | undefined {
  const extension = extname(name).slice(1).toLowerCase();
  return Object.hasOwn(IMAGE_TYPES, extension) ? IMAGE_TYPES[extension] : undefined;
}
