/**
 * Test-only builders of small images and the shared checks on preprocessing output.
 * Not exported from index.ts.
 */
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { IMAGENET_SPEC, preprocessImage, type ModelSpec } from './index';

/** Mean 0 and std 1, so each tensor value is simply byte / 255 and easy to check. */
export const UNIT_SPEC: ModelSpec = { ...IMAGENET_SPEC, mean: [0, 0, 0], std: [1, 1, 1] };
export const OPTIONS = { maxInputPixels: 40_000_000 };
export const PLANE = IMAGENET_SPEC.cropSize ** 2;

export const run = (bytes: Uint8Array, spec = UNIT_SPEC) => preprocessImage(bytes, spec, OPTIONS);

/** The three channel planes of a UNIT_SPEC tensor, as bytes again. */
export function planes(tensor: Float32Array): [number[], number[], number[]] {
  const plane = (c: number) =>
    Array.from(tensor.subarray(c * PLANE, (c + 1) * PLANE), (v) => Math.round(v * 255));
  return [plane(0), plane(1), plane(2)];
}

export const unique = (values: number[]): number[] => [...new Set(values)];

/** Byte-for-byte equality; jest's toEqual takes seconds on a tensor-sized typed array. */
export const sameBytes = (a: ArrayBufferView, b: ArrayBufferView): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );

/** A flat RGB colour, ready for an encoder. */
export function solid(width: number, height: number, r: number, g: number, b: number) {
  return sharp({ create: { width, height, channels: 3, background: { r, g, b } } });
}

/** Deterministic noise, which compresses badly: cutting its JPEG in half cuts the scan data. */
export function noisyJpeg(channels: 1 | 3 = 3): Promise<Buffer> {
  const width = 300;
  const height = 200;
  const raw = Buffer.from(
    Array.from({ length: width * height * channels }, (_, i) => (i * 2654435761) >>> 24),
  );
  const image = sharp(raw, { raw: { width, height, channels } });
  return (channels === 1 ? image.toColourspace('b-w') : image).jpeg().toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([length, body, crc]);
}

/** A well-formed PNG that declares a huge size but holds only 100 bytes of pixel data. */
export function pngBomb(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(100))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
