import { readFileSync } from 'node:fs';
import { samplePhotos } from '@imgcls/testing';
import sharp from 'sharp';

/** One upload, encoded once so that building requests costs the load generator nothing. */
export interface Payload {
  /** multipart/form-data body with the image as field `file`, as the original client sent it. */
  body: Buffer;
  /** The photo's true class: responses are checked against it. */
  wnid: string;
}

/** A named set of uploads that a cell cycles through. */
export interface InputSet {
  name: InputName;
  description: string;
  payloads: Payload[];
}

export const INPUT_NAMES = ['photos', '12mp'] as const;
export type InputName = (typeof INPUT_NAMES)[number];

export const BOUNDARY = 'imgcls-bench-boundary-7f3a9c';
export const MULTIPART_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

export function multipartBody(image: Uint8Array, filename: string): Buffer {
  return Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
        'Content-Type: image/jpeg\r\n\r\n',
    ),
    image,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

/** The 200 shared ImageNet photos (~500×375 JPEG), or the first `limit` of them. */
export function photoInputs(limit = Infinity): InputSet {
  const photos = samplePhotos().slice(0, limit);
  return {
    name: 'photos',
    description: `${photos.length} shared ImageNet photos (~500×375 JPEG), cycled`,
    payloads: photos.map((photo) => ({
      body: multipartBody(readFileSync(photo.path), photo.file),
      wnid: photo.wnid,
    })),
  };
}

const BIG_WIDTH = 4000;
const BIG_HEIGHT = 3000;
const NOISE_AMPLITUDE = 12;

/**
 * A 12-megapixel JPEG like a phone camera's: a shared photo upscaled to 4000×3000, plus
 * deterministic noise so that it has a camera's fine detail (an upscale alone is smooth, which
 * encodes and decodes unrealistically fast), at quality 90.
 */
export async function twelveMegapixelInput(): Promise<InputSet> {
  const [photo] = samplePhotos();
  if (photo === undefined) throw new Error('no shared photos to build the 12-MP image from');
  const pixels = await sharp(photo.path)
    .resize(BIG_WIDTH, BIG_HEIGHT, { fit: 'cover' })
    .removeAlpha()
    .raw()
    .toBuffer();
  addNoise(pixels, NOISE_AMPLITUDE);
  const jpeg = await sharp(pixels, { raw: { width: BIG_WIDTH, height: BIG_HEIGHT, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
  const megabytes = (jpeg.length / 1e6).toFixed(1);
  return {
    name: '12mp',
    description: `one ${BIG_WIDTH}×${BIG_HEIGHT} JPEG, q90, ${megabytes} MB (${photo.file} upscaled + noise)`,
    payloads: [{ body: multipartBody(jpeg, `12mp-${photo.file}`), wnid: photo.wnid }],
  };
}

/** Adds uniform noise in ±amplitude from a fixed-seed generator, so every run sends the same bytes. */
function addNoise(pixels: Buffer, amplitude: number): void {
  let state = 0x9e3779b9;
  for (let i = 0; i < pixels.length; i++) {
    // xorshift32: fast and good enough for texture.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const noise = ((state >>> 0) % (2 * amplitude + 1)) - amplitude;
    pixels[i] = Math.min(255, Math.max(0, (pixels[i] ?? 0) + noise));
  }
}
