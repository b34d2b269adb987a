import sharp, { type Metadata, type Sharp } from 'sharp';
import { photo } from './jobs';

/** A shared photo, the starting point of every generated image. */
export interface SourcePhoto {
  bytes: Buffer;
  wnid: string;
}

const cache = new Map<number, Promise<SourcePhoto>>();

/** The i-th shared photo (cached: several cases derive images from the same one). */
export function sourcePhoto(i: number): Promise<SourcePhoto> {
  let found = cache.get(i);
  if (found === undefined) {
    found = photo(i).then(({ bytes, wnid }) => ({ bytes, wnid }));
    cache.set(i, found);
  }
  return found;
}

/** Encodes the photo through `encode` (sharp re-encodes; the pixels stay the photo's). */
export async function derived(i: number, encode: (image: Sharp) => Sharp): Promise<Buffer> {
  const { bytes } = await sourcePhoto(i);
  return encode(sharp(bytes)).toBuffer();
}

/** A solid-colour image of this size, in whatever format `encode` writes. */
export function solid(
  width: number,
  height: number,
  encode: (image: Sharp) => Sharp,
  channels: 3 | 4 = 3,
): Promise<Buffer> {
  const background = { r: 200, g: 120, b: 40, alpha: 0.5 };
  return encode(sharp({ create: { width, height, channels, background } })).toBuffer();
}

/** The photo's raw RGB pixels, for formats built by hand (BMP). */
export async function photoRgb(
  i: number,
): Promise<{ data: Buffer; width: number; height: number }> {
  const { bytes } = await sourcePhoto(i);
  const { data, info } = await sharp(bytes)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Two photos as the two frames of one animated GIF (the second resized to the first). */
export async function animatedGif(first: number, second: number): Promise<Buffer> {
  const a = await sourcePhoto(first);
  const meta = await sharp(a.bytes).metadata();
  const b = await sourcePhoto(second);
  const frameB = await sharp(b.bytes).resize(meta.width, meta.height, { fit: 'fill' }).toBuffer();
  return sharp([a.bytes, frameB], { join: { animated: true } })
    .gif()
    .toBuffer();
}

/** JPEG settings under which turning the pixels changes the decoded image least. */
export const NEAR_LOSSLESS_JPEG = { quality: 100, chromaSubsampling: '4:4:4' } as const;

/**
 * The photo stored turned 90° anticlockwise, with EXIF orientation 6 ("turn 90° clockwise to
 * show"): displayed, it is the upright photo. Without the EXIF it is the turned pixels.
 */
export async function exifRotated(i: number, withExif: boolean): Promise<Buffer> {
  const { bytes } = await sourcePhoto(i);
  const stored = sharp(await sharp(bytes).rotate(270).png().toBuffer()); // lossless in between
  const encoded = stored.jpeg(NEAR_LOSSLESS_JPEG);
  return (withExif ? encoded.withMetadata({ orientation: 6 }) : encoded).toBuffer();
}

/** The fixture, once sharp confirms it is what the case claims (a 16-bit PNG really is 16-bit). */
export async function confirmed(
  what: string,
  bytes: Promise<Buffer> | Buffer,
  holds: (metadata: Metadata) => boolean,
): Promise<Buffer> {
  const image = await bytes;
  const metadata = await sharp(image).metadata();
  if (!holds(metadata))
    throw new Error(`the ${what} fixture is not one: ${JSON.stringify(metadata)}`);
  return image;
}
