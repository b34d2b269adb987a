/** Hand-built bytes of formats sharp will not write, or writes only correctly. */

/** A 24-bit bottom-up BMP (BITMAPINFOHEADER, BI_RGB) from packed RGB pixels. */
export function bmpFromRgb(rgb: Buffer, width: number, height: number): Buffer {
  const stride = Math.ceil((width * 3) / 4) * 4;
  const pixelBytes = stride * height;
  const out = Buffer.alloc(54 + pixelBytes);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(54, 10); // pixel data offset
  out.writeUInt32LE(40, 14); // header size
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22); // positive: bottom-up rows
  out.writeUInt16LE(1, 26); // planes
  out.writeUInt16LE(24, 28); // bits per pixel
  out.writeUInt32LE(pixelBytes, 34);
  out.writeInt32LE(2835, 38); // 72 dpi
  out.writeInt32LE(2835, 42);
  for (let y = 0; y < height; y++) {
    const rowAt = 54 + (height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 3;
      out[rowAt + x * 3] = rgb[from + 2] ?? 0; // B
      out[rowAt + x * 3 + 1] = rgb[from + 1] ?? 0; // G
      out[rowAt + x * 3 + 2] = rgb[from] ?? 0; // R
    }
  }
  return out;
}

/** Offset just past a GIF's sub-block chain starting at `at` (ends at a zero-length block). */
function skipSubBlocks(gif: Buffer, at: number): number {
  let next = at;
  while ((gif[next] ?? 0) !== 0) next += 1 + (gif[next] ?? 0);
  return next + 1;
}

/**
 * Repeats the first image of a single-frame GIF `frames` times (each behind a Graphic Control
 * Extension, looping forever): a many-frame animation that stays small.
 */
export function gifWithFrames(singleFrame: Buffer, frames: number): Buffer {
  const packed = singleFrame[10] ?? 0;
  const headerEnd = 13 + (packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0);
  let at = headerEnd;
  while (singleFrame[at] === 0x21) at = skipSubBlocks(singleFrame, at + 2);
  if (singleFrame[at] !== 0x2c) throw new Error('no image descriptor in the GIF');
  const descriptorPacked = singleFrame[at + 9] ?? 0;
  const tableEnd = at + 10 + (descriptorPacked & 0x80 ? 3 * 2 ** ((descriptorPacked & 7) + 1) : 0);
  const frame = singleFrame.subarray(at, skipSubBlocks(singleFrame, tableEnd + 1));
  const loop = Buffer.from([
    0x21,
    0xff,
    0x0b,
    ...Buffer.from('NETSCAPE2.0', 'latin1'),
    0x03,
    0x01,
    0x00,
    0x00,
    0x00,
  ]);
  const control = Buffer.from([0x21, 0xf9, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00]); // 10 ms
  const body = Array.from({ length: frames }, () => [control, frame]).flat();
  return Buffer.concat([singleFrame.subarray(0, headerEnd), loop, ...body, Buffer.from([0x3b])]);
}

/** The start of an HEIC file: an ISO-BMFF `ftyp` box with the `heic` brand, then filler. */
export function heicHead(): Buffer {
  const ftyp = Buffer.alloc(24);
  ftyp.writeUInt32BE(24, 0);
  ftyp.write('ftypheic', 4, 'latin1');
  ftyp.write('mif1heic', 16, 'latin1');
  return Buffer.concat([ftyp, Buffer.alloc(200)]);
}

/** Offset of the first start-of-frame segment (SOF0..SOF15 but DHT/JPG/DAC) of a JPEG. */
function startOfFrame(jpeg: Buffer): number {
  let at = 2;
  while (at + 4 <= jpeg.length) {
    const marker = jpeg[at + 1] ?? 0;
    const isSof = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isSof) return at;
    at += 2 + jpeg.readUInt16BE(at + 2);
  }
  throw new Error('no start-of-frame segment in the JPEG');
}

/** A copy of the JPEG whose frame header declares another size (the data is left as is). */
export function withDeclaredJpegSize(jpeg: Buffer, width: number, height: number): Buffer {
  const copy = Buffer.from(jpeg);
  const sof = startOfFrame(copy);
  copy.writeUInt16BE(height, sof + 5);
  copy.writeUInt16BE(width, sof + 7);
  return copy;
}

/** An APP1 segment right after SOI. */
export function withApp1(jpeg: Buffer, payload: Buffer): Buffer {
  const head = Buffer.from([0xff, 0xe1, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), head, payload, jpeg.subarray(2)]);
}

/**
 * EXIF that lies: an IFD claiming 5000 entries where 2 fit, an Orientation of the wrong type
 * with an absurd count, and a next-IFD offset far beyond the segment.
 */
export function malformedExif(): Buffer {
  const tiff = Buffer.alloc(40);
  tiff.write('II*\0', 0, 'latin1');
  tiff.writeUInt32LE(8, 4); // IFD0 at 8
  tiff.writeUInt16LE(5000, 8); // entry count: far more than the segment holds
  tiff.writeUInt16LE(0x0112, 10); // Orientation
  tiff.writeUInt16LE(7, 12); // type UNDEFINED, not SHORT
  tiff.writeUInt32LE(0x7fffffff, 14); // count
  tiff.writeUInt32LE(0xfffffff0, 18); // value offset out of range
  tiff.writeUInt16LE(0x8769, 22); // ExifIFD pointer ...
  tiff.writeUInt16LE(4, 24);
  tiff.writeUInt32LE(1, 26);
  tiff.writeUInt32LE(8, 30); // ... back to IFD0: a loop
  tiff.writeUInt32LE(0xffffff00, 34); // next IFD: nowhere
  return Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
}

/** `count` bytes from a seeded generator, never starting with an image signature. */
export function seededBytes(count: number, seed = 42): Buffer {
  const out = Buffer.alloc(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  out[0] = 0x13; // no format starts with 0x13
  return out;
}
