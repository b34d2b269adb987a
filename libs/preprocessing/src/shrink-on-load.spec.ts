import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { softmax, topK } from '@imgcls/labels';
import { median, samplePhotos, sharedDir } from '@imgcls/testing';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import sharp from 'sharp';
import { IMAGENET_SPEC, preprocessImage } from './index';

/**
 * Shrink-on-load must keep the results: the same photos as 12-MP JPEGs give the same class,
 * and nearly the same probability, whether decoded in full or at 1/4 scale. The model is
 * densenet121-synthetic, a TEST model (random convolutions, head fit to these photos): very
 * sensitive to preprocessing, which is what this needs.
 */
const LIMITS = { maxInputPixels: 40_000_000 };
const CLASSES = 1000;

async function top1(session: InferenceSession, tensor: Float32Array) {
  const { cropSize } = IMAGENET_SPEC;
  const input = new Tensor('float32', tensor, [1, 3, cropSize, cropSize]);
  const logits = (await session.run({ input }))['logits']?.data as Float32Array;
  const p = softmax({ data: logits, offset: 0, length: CLASSES });
  const [index = -1] = topK(p, 1);
  return { index, probability: p[index] ?? NaN };
}

describe('shrink-on-load for large JPEGs', () => {
  let session: InferenceSession;
  beforeAll(async () => {
    const model = path.join(sharedDir(), 'assets/models/densenet121-synthetic.onnx');
    session = await InferenceSession.create(model, { intraOpNumThreads: 2 });
  });
  afterAll(() => session.release());

  it('leaves an ordinary photo exactly as the full decode', async () => {
    const bytes = await readFile(samplePhotos()[0]?.path ?? '');
    const on = await preprocessImage(bytes, IMAGENET_SPEC, LIMITS);
    const off = await preprocessImage(bytes, IMAGENET_SPEC, { ...LIMITS, shrinkOnLoad: false });
    expect(Buffer.from(on.buffer).equals(Buffer.from(off.buffer))).toBe(true);
  });

  it('keeps the class and the probability of 12-MP photos, several times faster', async () => {
    const photos = samplePhotos().filter((_, i) => i % 20 === 0);
    const rows: string[] = [];
    const gaps: number[] = [];
    const timeMs = { full: 0, shrunk: 0 };
    for (const photo of photos) {
      const big = await sharp(await readFile(photo.path))
        .resize(4000, 3000, { fit: 'fill' })
        .jpeg({ quality: 90 })
        .toBuffer();
      let started = performance.now();
      const full = await preprocessImage(big, IMAGENET_SPEC, { ...LIMITS, shrinkOnLoad: false });
      timeMs.full += performance.now() - started;
      started = performance.now();
      const shrunk = await preprocessImage(big, IMAGENET_SPEC, LIMITS);
      timeMs.shrunk += performance.now() - started;
      const [a, b] = [await top1(session, full), await top1(session, shrunk)];
      expect(Buffer.from(full.buffer).equals(Buffer.from(shrunk.buffer))).toBe(false); // it did shrink
      expect([photo.file, b.index]).toEqual([photo.file, a.index]);
      gaps.push(Math.abs(a.probability - b.probability));
      rows.push(`${photo.file}: p ${a.probability.toFixed(4)} → ${b.probability.toFixed(4)}`);
    }
    console.log(
      `12-MP preprocessing: full ${(timeMs.full / photos.length).toFixed(0)} ms, ` +
        `shrink-on-load ${(timeMs.shrunk / photos.length).toFixed(0)} ms per image; ` +
        `median |Δp| ${median(gaps).toFixed(4)}, max ${Math.max(...gaps).toFixed(4)}\n${rows.join('\n')}`,
    );
    expect(median(gaps)).toBeLessThan(0.02);
    expect(timeMs.shrunk).toBeLessThan(timeMs.full);
  }, 120_000);
});
