import { ServiceError } from '@imgcls/contracts';
import { BMP_HEADER_SIZES } from '@imgcls/image-probe';

/** What the decoder needs from a BMP's file and DIB headers, checked to be a layout it reads. */
export interface BmpHeader {
  width: number;
  height: number;
  topDown: boolean;
  bitsPerPixel: 1 | 4 | 8 | 16 | 24 | 32;
  /** BI_BITFIELDS: the R, G, B masks are at {@link BITFIELD_MASKS_AT}. */
  bitfields: boolean;
  paletteStart: number;
  /** B, G, R in an OS/2 1.x file; B, G, R and a reserved byte in the others. */
  paletteEntryBytes: 3 | 4;
  /** biClrUsed; 0 means 2^bitsPerPixel. */
  colorsUsed: number;
  /** bfOffBits, as written. */
  pixelOffset: number;
}

/** Right after a 40-byte info header, and where V2 to V5 headers hold them: the same byte. */
export const BITFIELD_MASKS_AT = 54;

const FILE_HEADER_BYTES = 14;
const CORE_HEADER_BYTES = 12;
const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BITS_PER_PIXEL = [1, 4, 8, 16, 24, 32] as const;
const REFUSED_COMPRESSIONS: Readonly<Record<number, string>> = {
  1: 'RLE',
  2: 'RLE',
  4: 'JPEG',
  5: 'PNG',
};

const isBitsPerPixel = (bits: number): bits is BmpHeader['bitsPerPixel'] =>
  (BITS_PER_PIXEL as readonly number[]).includes(bits);

/** Reads and checks the headers; throws INVALID_IMAGE or UNSUPPORTED_FORMAT. */
export function readBmpHeader(view: DataView): BmpHeader {
  const truncated = () =>
    new ServiceError(
      'INVALID_IMAGE',
      `the BMP header is truncated: the file has ${view.byteLength} bytes`,
    );
  if (view.byteLength < FILE_HEADER_BYTES + 4) throw truncated();
  const headerSize = view.getUint32(FILE_HEADER_BYTES, true);
  if (!BMP_HEADER_SIZES.has(headerSize)) {
    throw new ServiceError('UNSUPPORTED_FORMAT', `BMP header size ${headerSize} is not supported`);
  }
  if (view.byteLength < FILE_HEADER_BYTES + headerSize) throw truncated();
  const fields = headerSize === CORE_HEADER_BYTES ? coreFields(view) : infoFields(view);
  const { bits, compression, ...rest } = fields;
  if (rest.width <= 0) {
    throw new ServiceError('INVALID_IMAGE', `the BMP width is ${rest.width}; it must be positive`);
  }
  if (!isBitsPerPixel(bits)) {
    throw new ServiceError(
      'UNSUPPORTED_FORMAT',
      `BMP with ${bits} bits per pixel is not supported`,
    );
  }
  checkCompression(compression, bits);
  return {
    ...rest,
    bitsPerPixel: bits,
    bitfields: compression === BI_BITFIELDS,
    paletteStart: FILE_HEADER_BYTES + headerSize,
    paletteEntryBytes: headerSize === CORE_HEADER_BYTES ? 3 : 4,
    pixelOffset: view.getUint32(10, true),
  };
}

/** Uncompressed, or bitfields on 16-, 24- or 32-bit pixels: what real BMP files use. */
function checkCompression(compression: number, bits: number): void {
  const refused = REFUSED_COMPRESSIONS[compression];
  if (refused) {
    throw new ServiceError(
      'UNSUPPORTED_FORMAT',
      `BMP with ${refused} compression is not supported`,
    );
  }
  if (compression !== BI_RGB && !(compression === BI_BITFIELDS && bits >= 16)) {
    throw new ServiceError(
      'UNSUPPORTED_FORMAT',
      `BMP compression ${compression} with ${bits}-bit pixels is not supported`,
    );
  }
}

interface DibFields {
  width: number;
  height: number;
  topDown: boolean;
  bits: number;
  compression: number;
  colorsUsed: number;
}

/** OS/2 1.x: u16 sizes, always bottom-up and uncompressed. */
function coreFields(view: DataView): DibFields {
  return {
    width: view.getUint16(18, true),
    height: view.getUint16(20, true),
    topDown: false,
    bits: view.getUint16(24, true),
    compression: BI_RGB,
    colorsUsed: 0,
  };
}

/** Windows 3 and later: i32 sizes, where a negative height means rows stored top-down. */
function infoFields(view: DataView): DibFields {
  const height = view.getInt32(22, true);
  return {
    width: view.getInt32(18, true),
    height: Math.abs(height),
    topDown: height < 0,
    bits: view.getUint16(28, true),
    compression: view.getUint32(30, true),
    colorsUsed: view.getUint32(46, true),
  };
}
