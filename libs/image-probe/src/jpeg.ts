import { ServiceError } from '@imgcls/contracts';
import { u16be } from './bytes';
import type { ImageSize } from './dimensions';

/**
 * Scans a progressive JPEG may have. libjpeg makes about 10 (6 for grey), mozjpeg a few more;
 * every photo in ../shared/images has 1. Each scan costs a pass over every block of the image
 * (5 ms per scan at 36 MP for an empty 60-byte one), so 1,500 of them cost seconds of CPU in a
 * file of 180 KB: counting them is the only cheap defence, since libjpeg reads every scan of a
 * progressive file before libvips can be interrupted.
 */
export const MAX_JPEG_SCANS = 100;

/**
 * Scans × pixels: the passes over the image libjpeg makes. 600 MP is 15 scans of a 40-MP image,
 * 50 of a 12-MP one (libjpeg's default script has 10). Measured: a flat 36-MP JPEG costs
 * ~0.35 s of CPU plus ~4.5 ms per extra scan, so the costliest file accepted costs ~0.45 s.
 */
export const MAX_JPEG_SCAN_PIXELS = 600_000_000;

/**
 * A header followed by megabytes of zeros decodes "fine" in libjpeg. Real entropy-coded data
 * repeats one byte only over a flat area, where the cheapest block costs 1 or 2 bits: no run
 * is longer than half a byte per 8×8 block of the frame, plus this margin.
 */
export const MAX_JPEG_REPEATED_BYTES = 64 * 1024;

/** Frame headers libjpeg-turbo decodes: baseline, extended, progressive, arithmetic. */
interface Frame extends ImageSize {
  /** The longest run of one byte its entropy-coded data may hold. */
  maxRunBytes: number;
}

const FRAME_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc9, 0xca]);
/** Other segments allowed between SOI and EOI: DHT, DAC, DQT, DRI, APPn, COM. */
const isAllowedSegment = (m: number): boolean =>
  m === 0xc4 || m === 0xcc || m === 0xdb || m === 0xdd || m === 0xfe || (m >= 0xe0 && m <= 0xef);
const isRestart = (m: number): boolean => m >= 0xd0 && m <= 0xd7;

const invalid = (why: string) => new ServiceError('INVALID_IMAGE', `the JPEG ${why}`);

/**
 * Walks every segment of a JPEG from SOI to EOI (an allowlist of markers, one frame, at most
 * MAX_JPEG_SCANS scans, no flat entropy data, EOI present) and gives the frame's size, which
 * is the size libjpeg decodes: a height left to a later DNL marker is refused, as libjpeg does.
 */
export function inspectJpeg(b: Uint8Array): ImageSize {
  let frame: Frame | undefined;
  let scans = 0;
  let at = 2;
  for (;;) {
    at = b.indexOf(0xff, at); // stray bytes before a marker: libjpeg (and PIL) skip them
    if (at < 0 || at + 1 >= b.length) throw invalid('ends before its end-of-image marker');
    const marker = b[at + 1] ?? 0;
    if (marker === 0xff || isRestart(marker)) {
      at += marker === 0xff ? 1 : 2;
      continue;
    }
    if (marker === 0xd9) {
      if (frame === undefined || scans === 0) throw invalid('has no image data');
      return { width: frame.width, height: frame.height };
    }
    const end = at + 2 + u16be(b, at + 2);
    if (end > b.length) throw invalid('is cut short inside a segment');
    if (FRAME_MARKERS.has(marker)) frame = readFrame(b, at, frame);
    else if (marker === 0xda) {
      if (frame === undefined) throw invalid('has image data before its frame header');
      scans += 1;
      if (scans > MAX_JPEG_SCANS || scans * frame.width * frame.height > MAX_JPEG_SCAN_PIXELS) {
        throw tooManyScans(frame);
      }
      at = endOfEntropyData(b, end, frame);
      continue;
    } else if (!isAllowedSegment(marker)) {
      throw invalid(`has an unexpected marker 0xFF${hex(marker)} at byte ${at}`);
    }
    at = end;
  }
}

function readFrame(b: Uint8Array, at: number, seen: Frame | undefined): Frame {
  if (seen !== undefined) throw invalid('has more than one frame header');
  const height = u16be(b, at + 5);
  const width = u16be(b, at + 7);
  if (height === 0) {
    throw invalid('leaves its height to a DNL marker, which is not supported; re-save it');
  }
  const blocks = (b[at + 9] ?? 0) * Math.ceil(width / 8) * Math.ceil(height / 8);
  return { width, height, maxRunBytes: MAX_JPEG_REPEATED_BYTES + Math.ceil(blocks / 2) };
}

const tooManyScans = ({ width, height }: ImageSize) => {
  const scans = Math.min(MAX_JPEG_SCANS, Math.floor(MAX_JPEG_SCAN_PIXELS / (width * height)));
  return new ServiceError(
    'IMAGE_TOO_COMPLEX',
    `the JPEG has more progressive scans than the ${scans} allowed at ${width}×${height}, which ` +
      'costs seconds of CPU to decode; re-save it as a baseline JPEG or with the default settings',
  );
};

/** The offset of the marker that ends a scan's entropy-coded data (0xFF00 and RSTn belong to it). */
function endOfEntropyData(b: Uint8Array, from: number, frame: Frame): number {
  for (let at = from; ; at += 2) {
    at = b.indexOf(0xff, at); // native: a 10 MB scan costs milliseconds, not a byte loop
    if (at < 0 || at + 1 >= b.length) {
      checkRuns(b, from, b.length, frame);
      throw invalid(
        'ends inside its image data, with no end-of-image marker; the file is truncated',
      );
    }
    const next = b[at + 1] ?? 0;
    if (next !== 0 && !isRestart(next)) {
      checkRuns(b, from, at, frame);
      return at;
    }
  }
}

/**
 * Refuses a run of one byte longer than the frame allows. Any such run covers a whole aligned
 * block of half that length, so only blocks whose first, middle and last bytes agree are read.
 */
function checkRuns(b: Uint8Array, start: number, end: number, frame: Frame): void {
  const block = Math.max(1, Math.floor(frame.maxRunBytes / 2));
  for (let at = start; at + block <= end; at += block) {
    const byte = b[at];
    if (b[at + block - 1] !== byte || b[at + (block >> 1)] !== byte) continue;
    let low = at;
    let high = at + 1;
    while (low > start && b[low - 1] === byte) low -= 1;
    while (high < end && b[high] === byte) high += 1;
    if (high - low > frame.maxRunBytes) {
      throw invalid(
        `image data repeats the byte 0x${hex(byte ?? 0)} ${high - low} times, more than a ` +
          `${frame.width}×${frame.height} image can hold: it is not a picture`,
      );
    }
    at = Math.max(at, high - block); // the run is measured; go on after it
  }
}

const hex = (byte: number): string => byte.toString(16).toUpperCase().padStart(2, '0');
