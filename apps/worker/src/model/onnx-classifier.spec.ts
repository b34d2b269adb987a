import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModelManifest } from '@imgcls/models';
import { preprocessImage } from '@imgcls/preprocessing';
import { withFixedBatch } from '@imgcls/onnx';
import { REPO_ROOT, samplePhotos } from '@imgcls/testing';
import { OnnxClassifier } from './onnx-classifier';

const MODELS = join(REPO_ROOT, 'models');
const ONE_THREAD = { intraOpThreads: 1 };

/** The first `count` shared photos as model inputs. */
async function inputs(manifestName: string, count: number): Promise<Float32Array[]> {
  const { preprocessing } = loadModelManifest(manifestName, MODELS);
  const photos = samplePhotos().slice(0, count);
  return Promise.all(
    photos.map(async ({ path }) =>
      preprocessImage(await readFile(path), preprocessing, { maxInputPixels: 40_000_000 }),
    ),
  );
}

/** The test model (densenet121-synthetic: not ImageNet-trained) and the zoo's MobileNetV2. */
describe('OnnxClassifier', () => {
  it('runs a batch as it runs each image alone, answers in order', async () => {
    const name = 'densenet121-synthetic';
    const manifest = loadModelManifest(name, MODELS);
    const classifier = await OnnxClassifier.load(join(MODELS, manifest.file), manifest, ONE_THREAD);
    try {
      expect(classifier.batchLimit).toBe(Infinity); // the graph's batch dimension is dynamic
      const images = await inputs(name, 3);
      const alone: number[][] = [];
      for (const image of images) alone.push(Array.from((await classifier.run(image)).logits));
      const together = (await classifier.runBatch(images)).map((logits) => Array.from(logits));
      expect(together).toHaveLength(3);
      together.forEach((logits, i) => {
        const single = alone[i] ?? [];
        expect(logits).toHaveLength(classifier.classes);
        expect(
          Math.max(...logits.map((value, k) => Math.abs(value - (single[k] ?? NaN)))),
        ).toBeLessThan(1e-4);
      });
      // Different photos, different answers: a batch that repeated one image would fail above.
      expect(alone[0]).not.toEqual(alone[1]);
    } finally {
      await classifier.release();
    }
  });

  it('runs a graph exported for batches of one, one image at a time, and refuses larger fixed batches', async () => {
    const name = 'mobilenetv2-12-int8';
    const manifest = loadModelManifest(name, MODELS);
    const dir = await mkdtemp(join(tmpdir(), 'imgcls-fixed-batch-'));
    try {
      const model = await readFile(join(MODELS, manifest.file));
      const path = join(dir, 'fixed-batch.onnx');
      await writeFile(path, withFixedBatch(model, manifest.input.name, 1));

      const classifier = await OnnxClassifier.load(path, manifest, ONE_THREAD);
      try {
        expect(classifier.batchLimit).toBe(1);
        await classifier.warmUp(4); // a batch of 4 would be refused by onnxruntime
        const [image = new Float32Array()] = await inputs(name, 1);
        expect((await classifier.run(image)).batch).toBe(1);
        await expect(classifier.runBatch([image, image])).rejects.toThrow(/dimension|shape/i);
      } finally {
        await classifier.release();
      }

      // A graph fixed at a batch of 4 could run no job (a worker runs 1 to MAX_BATCH_SIZE).
      const four = join(dir, 'fixed-batch-4.onnx');
      await writeFile(four, withFixedBatch(model, manifest.input.name, 4));
      await expect(OnnxClassifier.load(four, manifest, ONE_THREAD)).rejects.toThrow(
        'the ONNX graph fixes the batch size of input "input" at 4, and a worker runs one ' +
          'image at a time or a few; re-export it with a dynamic batch dimension (or a batch of 1)',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
