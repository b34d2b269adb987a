import { IMAGE_FORMATS, type ImageFormat } from '@imgcls/contracts';
import { looksLikeBmp } from './bmp';

export type { ImageFormat };

/**
 * The formats the service accepts (the contract's list), sniffed from the bytes, never from a
 * name or a header. The worker decodes them with sharp's bundled libvips, except BMP, which
 * libvips has no loader for: @imgcls/preprocessing decodes that one itself.
 */
export const ALLOWED_FORMATS = Object.keys(IMAGE_FORMATS) as ImageFormat[];

/** Human names, for error messages. */
export const FORMAT_NAMES: Readonly<Record<ImageFormat, string>> = Object.fromEntries(
  Object.entries(IMAGE_FORMATS).map(([format, { name }]) => [format, name]),
) as Record<ImageFormat, string>;

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0): boolean =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);

const ascii = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0));

/** The allowed format these bytes are in, or undefined. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'gif';
  if (looksLikeBmp(bytes)) return 'bmp';
  return undefined;
}

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);

/**
 * Names a format we refuse, so the error can say what was sent ("the upload is TIFF").
 * Undefined when the bytes are not recognisable at all.
 */
export function describeRefusedFormat(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, ascii('II*\0')) || startsWith(bytes, ascii('MM\0*'))) return 'TIFF';
  if (startsWith(bytes, ascii('%PDF'))) return 'PDF';
  if (startsWith(bytes, ascii('%!PS')) || startsWith(bytes, [0xc5, 0xd0, 0xd3, 0xc6])) {
    return 'PostScript/EPS';
  }
  if (startsWith(bytes, ascii('8BPS'))) return 'Photoshop PSD';
  if (startsWith(bytes, [0, 0, 1, 0])) return 'ICO';
  if (startsWith(bytes, ascii('ftyp'), 4)) {
    const brand = String.fromCharCode(...bytes.subarray(8, 12));
    if (brand === 'avif' || brand === 'avis') return 'AVIF';
    if (HEIF_BRANDS.has(brand)) return 'HEIC/HEIF';
    return 'an ISO media file';
  }
  if (startsWith(bytes, [0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20])) return 'JPEG 2000';
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1').trimStart().toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return 'SVG';
  return undefined;
}
