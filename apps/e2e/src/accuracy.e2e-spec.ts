import { readFile } from 'node:fs/promises';
import { referenceMobileNetTop1, samplePhotos, type SamplePhoto } from '@imgcls/testing';
import { mapConcurrent } from './support/concurrency';
import { startStack, type Stack } from './support/stack';

/**
 * Real accuracy: MobileNetV2-1.0 INT8 from the ONNX Model Zoo is genuinely ImageNet-trained
 * and uses the same preprocessing as DenseNet-121, so it shows the pipeline is right on a
 * trained network, through the full stack.
 */
describe('real accuracy with MODEL=mobilenetv2-12-int8', () => {
  let stack: Stack;
  const photos = samplePhotos();

  beforeAll(async () => {
    stack = await startStack({ model: 'mobilenetv2-12-int8', workers: 2 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('scores within 1 point of the torchvision reference and agrees with it on ≥98%', async () => {
    const reference = referenceMobileNetTop1();
    const results = await mapConcurrent(photos, 4, async (photo: SamplePhoto) =>
      stack.client.classify(await readFile(photo.path), { filename: photo.file }),
    );
    let correct = 0;
    let referenceCorrect = 0;
    const disagreements: string[] = [];
    results.forEach((result, i) => {
      const photo = photos[i] as SamplePhoto;
      const expected = reference.get(photo.file);
      if (result.class_index === photo.classIndex) correct++;
      if (expected === photo.classIndex) referenceCorrect++;
      if (result.class_index !== expected)
        disagreements.push(`${photo.file}: got ${result.class_index}, reference ${expected}`);
    });
    expect(results[0]?.model).toEqual({ name: 'mobilenetv2-12-int8', test_model: false });
    const accuracy = correct / photos.length;
    const referenceAccuracy = referenceCorrect / photos.length;
    const agreement = 1 - disagreements.length / photos.length;
    console.log(
      `mobilenetv2-12-int8: top-1 accuracy ${(accuracy * 100).toFixed(1)}% (reference ${(referenceAccuracy * 100).toFixed(1)}%), ` +
        `agreement with the reference ${(agreement * 100).toFixed(1)}%` +
        (disagreements.length ? `\ndisagreements:\n  ${disagreements.join('\n  ')}` : ''),
    );
    expect(Math.abs(accuracy - referenceAccuracy)).toBeLessThanOrEqual(0.01);
    expect(agreement).toBeGreaterThanOrEqual(0.98);
  });
});
