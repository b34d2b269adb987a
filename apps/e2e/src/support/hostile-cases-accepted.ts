import type { ClassifyResponse } from '@imgcls/contracts';
import type { Metadata, Sharp } from 'sharp';
import { bmpFromRgb, gifWithFrames, malformedExif, withApp1 } from './container-bytes';
import {
  expectClass,
  expectDifferentAnswer,
  expectSameAnswer,
  type CaseContext,
  type HostileCase,
} from './hostile-case';
import { postRaw } from './http-outcome';
import {
  animatedGif,
  confirmed,
  derived,
  exifRotated,
  NEAR_LOSSLESS_JPEG,
  photoRgb,
  solid,
  sourcePhoto,
} from './image-fixtures';
import { corruptIdatCrc, greyPng, iccpBomb, withChunksAfterIhdr, zTxtBomb } from './png-bytes';

/** The photo most cases derive from (tench, 500×375), and a second one for animations. */
const PHOTO = 0;
const OTHER_PHOTO = 150;
const MiB = 1024 * 1024;

type Verify = (result: ClassifyResponse, ctx: CaseContext) => Promise<void> | void;

interface Expectations {
  /** What the fixture must be (checked with sharp before it is sent). */
  claim?: (metadata: Metadata) => boolean;
  verify?: Verify;
  maxMs?: number;
}

const accepted = (
  name: string,
  make: () => Promise<Buffer> | Buffer,
  { claim, verify, maxMs }: Expectations = {},
): HostileCase => ({
  name,
  send: async ({ url }) => {
    const bytes = await make();
    return postRaw(url, claim ? await confirmed(name, bytes, claim) : bytes, 'image/jpeg');
  },
  status: 200,
  verify,
  maxMs,
});

/** The photo re-encoded by `encode`. */
const from = (encode: (image: Sharp) => Sharp) => () => derived(PHOTO, encode);
const photoBytes = async (): Promise<Buffer> => (await sourcePhoto(PHOTO)).bytes;

/** The photo's own class: the test model names the shared photos correctly. */
const isPhotoClass =
  (what: string): Verify =>
  async (result) =>
    expectClass(what, result, (await sourcePhoto(PHOTO)).wnid);

/** The same answer as for `reference`'s bytes, within `tolerance` of top-1 probability. */
const sameAs =
  (what: string, reference: () => Promise<Buffer>, tolerance: number): Verify =>
  async (result, ctx) =>
    expectSameAnswer(what, result, await ctx.classify(await reference()), tolerance);

const png8 = from((s) => s.png());

/** Images that must be classified, however odd their encoding. */
export const ACCEPTED_CASES: readonly HostileCase[] = [
  accepted('1×1 PNG', () => greyPng(1, 1)),
  accepted('2000×100 PNG (aspect ratio exactly 20:1)', () => greyPng(2_000, 100)),
  accepted(
    '16-bit RGB PNG (same answer as 8-bit)',
    from((s) => s.toColourspace('rgb16').png()),
    {
      claim: (m) => m.depth === 'ushort',
      verify: sameAs('16-bit vs 8-bit PNG', png8, 0.02),
    },
  ),
  accepted(
    'CMYK JPEG',
    from((s) => s.toColourspace('cmyk').jpeg()),
    {
      claim: (m) => m.space === 'cmyk',
      verify: isPhotoClass('CMYK JPEG'),
    },
  ),
  accepted(
    'palette PNG',
    from((s) => s.png({ palette: true })),
    {
      claim: (m) => m.isPalette === true,
      verify: isPhotoClass('palette PNG'),
    },
  ),
  accepted('RGBA PNG with transparency', () => solid(64, 64, (s) => s.png(), 4), {
    claim: (m) => m.channels === 4,
  }),
  accepted(
    'grey+alpha (LA) PNG',
    () => solid(64, 64, (s) => s.toColourspace('b-w').ensureAlpha(0.5).png()),
    { claim: (m) => m.channels === 2 },
  ),
  accepted(
    'greyscale JPEG',
    from((s) => s.toColourspace('b-w').jpeg()),
    {
      claim: (m) => m.channels === 1,
    },
  ),
  accepted(
    'interlaced (Adam7) PNG (same answer as plain PNG)',
    from((s) => s.png({ progressive: true })),
    {
      claim: (m) => m.isProgressive === true,
      verify: sameAs('interlaced vs plain PNG', png8, 1e-4),
    },
  ),
  accepted(
    'progressive JPEG',
    from((s) => s.jpeg({ progressive: true })),
    {
      claim: (m) => m.isProgressive === true,
      verify: isPhotoClass('progressive JPEG'),
    },
  ),
  accepted(
    'WebP',
    from((s) => s.webp({ quality: 90 })),
    { verify: isPhotoClass('WebP') },
  ),
  accepted(
    'BMP 24-bit (same answer as PNG of the same pixels)',
    async () => {
      const { data, width, height } = await photoRgb(PHOTO);
      return bmpFromRgb(data, width, height);
    },
    { verify: sameAs('BMP vs PNG', png8, 1e-3) },
  ),
  accepted(
    'GIF with 5000 frames',
    async () => gifWithFrames(await solid(64, 64, (s) => s.gif()), 5_000),
    { claim: (m) => m.pages === 5_000, maxMs: 2_000 },
  ),
  accepted('animated GIF: the first frame is classified', () => animatedGif(PHOTO, OTHER_PHOTO), {
    claim: (m) => m.pages === 2,
    verify: async (result, ctx) => {
      const first = await ctx.classify(await derived(PHOTO, (s) => s.gif()));
      const second = await ctx.classify(await derived(OTHER_PHOTO, (s) => s.gif()));
      expectDifferentAnswer('the two frames alone', first, second, 0.05);
      expectSameAnswer('animated GIF vs its first frame', result, first, 0.05);
    },
  }),
  accepted('EXIF orientation 6 (turned before the crop)', () => exifRotated(PHOTO, true), {
    claim: (m) => m.orientation === 6,
    verify: async (result, ctx) => {
      const upright = await ctx.classify(await derived(PHOTO, (s) => s.jpeg(NEAR_LOSSLESS_JPEG)));
      const unturned = await ctx.classify(await exifRotated(PHOTO, false));
      expectSameAnswer('orientation 6 vs the physically turned photo', result, upright, 0.03);
      expectDifferentAnswer('the stored pixels without EXIF', unturned, upright, 0.1);
    },
  }),
  accepted(
    'malformed EXIF (looping IFDs, counts past the end)',
    async () => withApp1(await photoBytes(), malformedExif()),
    { verify: isPhotoClass('malformed EXIF') },
  ),
  accepted('JPEG with a ZIP appended (polyglot)', async () =>
    Buffer.concat([await photoBytes(), Buffer.from('PK\x03\x04'), Buffer.alloc(4096, 7)]),
  ),
  accepted('PNG with an 8 MiB zTXt and a 1 MiB iCCP (under the decoder limits)', async () =>
    withChunksAfterIhdr(greyPng(64, 64), await iccpBomb(MiB), await zTxtBomb(8 * MiB)),
  ),
  accepted('PNG with a bad IDAT CRC, data intact (PIL skips IDAT CRCs too)', () =>
    corruptIdatCrc(greyPng(64, 64)),
  ),
  accepted('JPEG with 16 × 64 KiB COM segments', async () => {
    const comment = Buffer.concat([
      Buffer.from([0xff, 0xfe, 0xff, 0xff]),
      Buffer.alloc(0xfffd, 65),
    ]);
    const bytes = await photoBytes();
    const comments = Array.from({ length: 16 }, () => comment);
    return Buffer.concat([bytes.subarray(0, 2), ...comments, bytes.subarray(2)]);
  }),
];
