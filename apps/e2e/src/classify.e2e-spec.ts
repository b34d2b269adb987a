import { readFile } from 'node:fs/promises';
import type { ClassifyResponse } from '@imgcls/contracts';
import { median, referencePredictions, samplePhotos, type SamplePhoto } from '@imgcls/testing';
import { mapConcurrent } from './support/concurrency';
import { startStack, type Stack } from './support/stack';

/**
 * The whole path, api → Redis/BullMQ → worker → ONNX, as separate processes, on the test
 * model `densenet121-synthetic` (random convolutions, head fit to the sample photos: NOT an
 * ImageNet-trained network; it is only meaningful on these photos).
 */
describe('classification through the queue (densenet121-synthetic, a test model)', () => {
  let stack: Stack;
  const photos = samplePhotos();

  beforeAll(async () => {
    stack = await startStack({ workers: 2 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const classifyPhoto = async (photo: SamplePhoto): Promise<ClassifyResponse> =>
    stack.client.classify(await readFile(photo.path), { filename: photo.file });

  it('names the true class of 20 photos sent as multipart "file"', async () => {
    const twenty = photos.filter((_, i) => i % 10 === 0);
    expect(twenty).toHaveLength(20);
    for (const photo of twenty) {
      const result = await classifyPhoto(photo);
      expect({
        file: photo.file,
        class_name: result.class_name,
        class_id: result.class_id,
      }).toEqual({
        file: photo.file,
        class_name: photo.className,
        class_id: photo.wnid,
      });
      expect(result.model).toEqual({ name: 'densenet121-synthetic', test_model: true });
      expect(result.top_k).toHaveLength(5);
      expect(result.job_id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('answers 32 concurrent raw-body requests, each with its own photo', async () => {
    const batch = photos.slice(100, 132);
    const results = await Promise.all(
      batch.map(async (photo) => {
        const response = await fetch(`${stack.url}/run_inference`, {
          method: 'POST',
          headers: { 'content-type': 'image/jpeg' },
          body: await readFile(photo.path),
        });
        expect(response.status).toBe(200);
        return (await response.json()) as ClassifyResponse;
      }),
    );
    expect(results.map((r) => r.class_id)).toEqual(batch.map((p) => p.wnid));
    expect(new Set(results.map((r) => r.job_id)).size).toBe(32);
  });

  it('refuses an undecodable upload with a JSON 4xx, and keeps serving', async () => {
    const photo = await readFile(photos[0]?.path ?? '');
    const truncated = photo.subarray(0, 2000); // a valid header, then nothing
    const response = await fetch(`${stack.url}/run_inference`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg' },
      body: truncated,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 'INVALID_IMAGE', message: expect.any(String) as string },
    });

    const text = new FormData();
    text.append('file', new Blob(['this is not an image']), 'photo.jpg');
    const refused = await fetch(`${stack.url}/run_inference`, { method: 'POST', body: text });
    expect(refused.status).toBe(415);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'UNSUPPORTED_FORMAT',
    );

    const next = await classifyPhoto(photos[1] as SamplePhoto);
    expect(next.class_id).toBe(photos[1]?.wnid);
    expect(stack.api.running).toBe(true);
    expect(stack.workers.every((w) => w.running)).toBe(true);
  });

  it('matches the torchvision reference on all 200 photos (preprocessing parity)', async () => {
    const reference = referencePredictions();
    const results = await mapConcurrent(photos, 4, classifyPhoto);
    const disagreements: string[] = [];
    const probabilityGaps: number[] = [];
    results.forEach((result, i) => {
      const photo = photos[i] as SamplePhoto;
      const expected = reference.get(photo.file);
      if (expected === undefined) throw new Error(`no reference for ${photo.file}`);
      probabilityGaps.push(Math.abs(result.probability - (expected.top5Probabilities[0] ?? NaN)));
      if (result.class_index !== expected.top5[0]) {
        disagreements.push(
          `${photo.file}: got ${result.class_index}, reference ${expected.top5[0]}`,
        );
      }
    });
    const agreement = (photos.length - disagreements.length) / photos.length;
    const medianGap = median(probabilityGaps);
    console.log(
      `parity: top-1 agreement ${(agreement * 100).toFixed(1)}% (${photos.length - disagreements.length}/${photos.length}), ` +
        `median |Δp| ${medianGap.toFixed(5)}, max |Δp| ${Math.max(...probabilityGaps).toFixed(5)}` +
        (disagreements.length ? `\ndisagreements:\n  ${disagreements.join('\n  ')}` : ''),
    );
    expect(agreement).toBeGreaterThanOrEqual(0.99);
    expect(medianGap).toBeLessThanOrEqual(0.02);
  });
});
