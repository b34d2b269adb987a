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
 * Real entropy-coded data never repeats one byte this long: 64 KiB of 0x00 is 262,144 blocks
 * of a perfectly flat image (16 MP). A header followed by zeros decodes "fine" in libjpeg.
 */
export const MAX_JPEG_REPEATED_BYTES = 64 * 1024;

/** Frame headers libjpeg-turbo decodes: baseline, extended, progressive, arithmetic. */
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
  let frame: ImageSize | undefined;
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
      return frame;
    }
    const end = at + 2 + u16be(b, at + 2);
    if (end > b.length) throw invalid('is cut short inside a segment');
    if (FRAME_MARKERS.has(marker)) frame = readFrame(b, at, frame);
    else if (marker === 0xda) {
      if (frame === undefined) throw invalid('has image data before its frame header');
      scans += 1;
      if (scans > MAX_JPEG_SCANS) throw tooManyScans();
      at = endOfEntropyData(b, end);
      continue;
    } else if (!isAllowedSegment(marker)) {
      throw invalid(`has an unexpected marker 0xFF${hex(marker)} at byte ${at}`);
    }
    at = end;
  }
}

function readFrame(b: Uint8Array, at: number, seen: ImageSize | undefined): ImageSize {
  if (seen !== undefined) throw invalid('has more than one frame header');
  const size = { height: u16be(b, at + 5), width: u16be(b, at + 7) };
  if (size.height === 0) {
    throw invalid('leaves its height to a DNL marker, which is not supported; re-save it');
  }
  return size;
}

const tooManyScans = () =>
  new ServiceError(
    'IMAGE_TOO_COMPLEX',
    `the JPEG has more than ${MAX_JPEG_SCANS} progressive scans, which costs seconds of CPU to ` +
      'decode; re-save it as a baseline JPEG or with the default progressive settings',
  );

/** The offset of the marker that ends a scan's entropy-coded data (0xFF00 and RSTn belong to it). */
function endOfEntropyData(b: Uint8Array, from: number): number {
  let run = 0;
  for (let i = from; i < b.length; i += 1) {
    const byte = b[i];
    if (byte === 0xff) {
      const next = b[i + 1] ?? 0;
      if (next !== 0 && !isRestart(next)) return i;
    }
    run = byte === b[i - 1] ? run + 1 : 1;
    if (run > MAX_JPEG_REPEATED_BYTES) {
      throw invalid(
        `image data is over ${MAX_JPEG_REPEATED_BYTES / 1024} KiB of the byte 0x${hex(byte ?? 0)} ` +
          'repeated: it holds no picture',
      );
    }
  }
  throw invalid('ends inside its image data, with no end-of-image marker; the file is truncated');
}

const hex = (byte: number): string => byte.toString(16).toUpperCase().padStart(2, '0');
