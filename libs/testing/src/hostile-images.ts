import sharp from 'sharp';

/** A flat grey image: its AC scans are a few bytes of end-of-block runs, whatever its size. */
const flatJpeg = (side: number): Promise<Buffer> =>
  sharp({ create: { width: side, height: side, channels: 3, background: '#808080' } })
    .jpeg({ progressive: true, quality: 90 })
    .toBuffer();

/** Where each scan of a JPEG ends (the marker after its entropy-coded data), and its SOS. */
function scans(b: Buffer): { sos: number; end: number }[] {
  const found: { sos: number; end: number }[] = [];
  let at = 2;
  while (at + 3 < b.length && b[at + 1] !== 0xd9) {
    if (b[at] !== 0xff || b[at + 1] === 0xff) {
      at += 1;
      continue;
    }
    const next = at + 2 + b.readUInt16BE(at + 2);
    if (b[at + 1] !== 0xda) {
      at = next;
      continue;
    }
    let end = next;
    while (end + 1 < b.length && !(b[end] === 0xff && isScanEnd(b[end + 1] ?? 0))) end += 1;
    found.push({ sos: at, end });
    at = end;
  }
  return found;
}
const isScanEnd = (m: number): boolean => m !== 0 && (m < 0xd0 || m > 0xd7);

/**
 * A valid progressive JPEG of `side`² flat grey pixels with `scanCount` scans: one per AC
 * coefficient, component and bit of successive approximation (1 first + 13 refinements), each
 * a few bytes of end-of-block runs yet a full pass over every block for the decoder. libjpeg
 * reads them all, without a warning, before libvips can stop it: a CPU bomb of ~100 bytes a scan.
 */
export async function progressiveJpegBomb(side: number, scanCount: number): Promise<Buffer> {
  const base = await flatJpeg(side);
  const s = scans(base);
  // libjpeg's script: 0 DC first; 1 Y AC; 2, 3 Cr, Cb AC; 6 DC refinement (see jcparam.c).
  const unit = (i: number) => base.subarray(i === 0 ? 0 : (s[i - 1]?.end ?? 0), s[i]?.end ?? 0);
  const scan = (i: number, k: number, ah: number, al: number) => {
    const copy = Buffer.from(unit(i));
    const sos = (s[i]?.sos ?? 0) - (i === 0 ? 0 : (s[i - 1]?.end ?? 0));
    copy.set([k, k, (ah << 4) | al], sos + 7); // Ss, Se, Ah|Al of a one-component scan
    return copy;
  };
  const parts = [unit(0)];
  outer: for (let k = 1; k <= 63; k += 1) {
    for (const component of [1, 3, 2]) {
      for (let bit = 13; bit >= 0; bit -= 1) {
        if (parts.length >= scanCount - 1) break outer;
        parts.push(bit === 13 ? scan(component, k, 0, 13) : scan(component, k, bit + 1, bit));
      }
    }
  }
  parts.push(unit(6), Buffer.from([0xff, 0xd9]));
  return Buffer.concat(parts);
}

/**
 * A GIF whose logical screen is `screen` but whose one frame is `frame` (with a single pixel of
 * data): the decoder grows its canvas to the frame. 34 bytes.
 */
export function gifWithFrame(
  screen: { width: number; height: number },
  frame: { width: number; height: number },
): Buffer {
  const header = Buffer.alloc(13 + 6);
  header.write('GIF89a', 0, 'latin1');
  header.writeUInt16LE(screen.width, 6);
  header.writeUInt16LE(screen.height, 8);
  header[10] = 0x80; // a global colour table of two colours: black, white
  header.fill(0xff, 16, 19);
  const descriptor = Buffer.alloc(10);
  descriptor[0] = 0x2c;
  descriptor.writeUInt16LE(frame.width, 5);
  descriptor.writeUInt16LE(frame.height, 7);
  const pixels = Buffer.from([0x02, 0x02, 0x44, 0x01, 0x00]); // LZW: clear, 0, end
  return Buffer.concat([header, descriptor, pixels, Buffer.from([0x3b])]);
}

/**
 * A real JPEG's headers (up to its first scan's header) followed by `fill` instead of its image
 * data: `dataBytes` of zeros, or of seeded noise (0xFF included, as in any random bytes).
 */
export function jpegWithData(
  jpeg: Buffer,
  fill: 'zeros' | 'noise',
  dataBytes: number,
  { endMarker }: { endMarker: boolean },
): Buffer {
  const first = scans(jpeg)[0];
  if (first === undefined) throw new Error('the JPEG has no scan');
  const head = jpeg.subarray(0, first.sos + 2 + jpeg.readUInt16BE(first.sos + 2));
  const data = Buffer.alloc(dataBytes);
  let seed = 12345;
  if (fill === 'noise') {
    for (let i = 0; i < dataBytes; i += 1) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      data[i] = seed >>> 16;
    }
  }
  return Buffer.concat([head, data, Buffer.from(endMarker ? [0xff, 0xd9] : [])]);
}
