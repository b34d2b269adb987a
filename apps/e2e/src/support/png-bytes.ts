import { crc32, createDeflate, deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One PNG chunk: length, type, data and a valid CRC (unless `badCrc`). */
export function pngChunk(type: string, data: Buffer, { badCrc = false } = {}): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE((crc32(Buffer.concat([head.subarray(4), data])) ^ (badCrc ? 1 : 0)) >>> 0);
  return Buffer.concat([head, data, crc]);
}

export interface IhdrFields {
  width: number;
  height: number;
  /** 1, 2, 4, 8 or 16. */
  bitDepth?: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA. */
  colourType?: number;
}

export function ihdr({ width, height, bitDepth = 8, colourType = 0 }: IhdrFields): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data.writeUInt8(bitDepth, 8);
  data.writeUInt8(colourType, 9); // compression, filter and interlace stay 0
  return pngChunk('IHDR', data);
}

/** A PNG made of these chunks after the signature, closed with IEND. */
export function png(...chunks: Buffer[]): Buffer {
  return Buffer.concat([SIGNATURE, ...chunks, pngChunk('IEND', Buffer.alloc(0))]);
}

/** Grey 8-bit pixels, one row filter byte each: a real, decodable image. */
export function greyPng(width: number, height: number, value = 128): Buffer {
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width, value)]);
  const rows = Buffer.concat(Array.from({ length: height }, () => row));
  return png(ihdr({ width, height }), pngChunk('IDAT', deflateSync(rows)));
}

/** `length` zero bytes through deflate, streamed so the input is never held whole. */
async function deflateZeros(length: number): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise<void>((resolve, reject) =>
    deflate.on('end', resolve).on('error', reject),
  );
  const block = Buffer.alloc(1 << 20);
  for (let left = length; left > 0; left -= block.length) {
    const piece = left >= block.length ? block : block.subarray(0, left);
    if (!deflate.write(piece)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await done;
  return Buffer.concat(out);
}

/**
 * A genuine decompression bomb: a 1-bit black `width`×`height` PNG whose pixel data is all
 * valid and deflates ~1000:1 (30000×30000 is 900 MP from ~110 KB).
 */
export async function pngBomb(width: number, height: number): Promise<Buffer> {
  const rowBytes = 1 + Math.ceil(width / 8); // filter byte + packed bits, all zero
  const idat = await deflateZeros(rowBytes * height);
  return png(ihdr({ width, height, bitDepth: 1, colourType: 0 }), pngChunk('IDAT', idat));
}

/** Inserts chunks right after IHDR of an existing PNG (ancillary chunks must precede IDAT). */
export function withChunksAfterIhdr(image: Buffer, ...chunks: Buffer[]): Buffer {
  const afterIhdr = 8 + 8 + 13 + 4;
  return Buffer.concat([image.subarray(0, afterIhdr), ...chunks, image.subarray(afterIhdr)]);
}

/** zTXt: keyword, NUL, method 0, then `inflatedBytes` of deflated text (a metadata bomb). */
export async function zTxtBomb(inflatedBytes: number): Promise<Buffer> {
  const text = await deflateZeros(inflatedBytes);
  return pngChunk('zTXt', Buffer.concat([Buffer.from('Comment\0\0', 'latin1'), text]));
}

/** iCCP: a profile name, NUL, method 0, then a deflated "profile" of `inflatedBytes` zeros. */
export async function iccpBomb(inflatedBytes: number): Promise<Buffer> {
  const profile = await deflateZeros(inflatedBytes);
  return pngChunk('iCCP', Buffer.concat([Buffer.from('evil\0\0', 'latin1'), profile]));
}

/** Flips one bit of the first IDAT chunk's CRC. */
export function corruptIdatCrc(image: Buffer): Buffer {
  const copy = Buffer.from(image);
  const at = copy.indexOf('IDAT', 8, 'latin1');
  const length = copy.readUInt32BE(at - 4);
  const crcAt = at + 4 + length;
  copy.writeUInt32BE((copy.readUInt32BE(crcAt) ^ 1) >>> 0, crcAt);
  return copy;
}
