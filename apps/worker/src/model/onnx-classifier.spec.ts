import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { preprocessInto } from '@imgcls/preprocessing';
import { REPO_ROOT, samplePhotos } from '@imgcls/testing';
import { loadModel, type LoadedModel } from '../boot';
import { loadWorkerConfig } from '../config';
import type { FillInput } from './classifier';

/**
 * The in-process classifier lends its input tensors and takes them back, with the test model
 * (densenet121-synthetic: not ImageNet-trained). The inference threads' shared slots are
 * covered by the e2e suites (their script exists only once built).
 */
describe('OnnxClassifier input tensors', () => {
  let model: LoadedModel;
  let photos: Buffer[];

  beforeAll(async () => {
    const config = loadWorkerConfig({
      MODEL: 'densenet121-synthetic',
      MODELS_DIR: join(REPO_ROOT, 'models'),
      LABELS_DIR: join(REPO_ROOT, 'labels'),
      INTRA_OP_THREADS: '1',
      INFERENCE_THREADS: '0',
    });
    model = await loadModel(config, (error) => {
      throw error;
    });
    photos = await Promise.all(
      samplePhotos()
        .slice(0, 2)
        .map((p) => readFile(p.path)),
    );
  });

  afterAll(() => model.classifier.release());

  const photo = (bytes: Buffer | undefined): FillInput => {
    if (bytes === undefined) throw new Error('the shared photos are missing');
    return (input) =>
      preprocessInto(bytes, model.manifest.preprocessing, { maxInputPixels: 40e6 }, input, 0);
  };

  it('reuses one input tensor for runs one after another, even after a fill that failed', async () => {
    const lent: Float32Array[] = [];
    const run = (fill: FillInput) =>
      model.classifier.run(async (input) => {
        lent.push(input);
        await fill(input);
      });
    await run(photo(photos[0]));
    await expect(
      run(() => Promise.reject(new Error('over budget before the model ran'))),
    ).rejects.toThrow('over budget');
    await run(photo(photos[1]));
    expect(lent).toHaveLength(3);
    expect(lent[1]).toBe(lent[0]);
    expect(lent[2]).toBe(lent[0]);
  });

  it('gives runs in progress at once their own tensors, and each its own logits', async () => {
    const alone = [
      await model.classifier.run(photo(photos[0])),
      await model.classifier.run(photo(photos[1])),
    ];
    // The second photo is written while the first waits, written, for the model: had they one
    // tensor between them, the first run would classify the second photo.
    const together = await Promise.all([
      model.classifier.run(async (input) => {
        await photo(photos[0])(input);
        await sleep(100);
      }),
      model.classifier.run(photo(photos[1])),
    ]);
    expect(together[0]).toEqual(alone[0]);
    expect(together[1]).toEqual(alone[1]);
    expect(together[0]).not.toEqual(together[1]);
  });
});
