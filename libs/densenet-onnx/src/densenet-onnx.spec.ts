import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { encodeOnnxModel } from '@imgcls/onnx';
import { IMAGENET_SPEC, preprocessInto, tensorLength } from '@imgcls/preprocessing';
import { editZipPickle, referencePredictions, samplePhotos, sharedDir } from '@imgcls/testing';
import { denseNetOnnx } from './index';

/**
 * densenet121-synthetic is a TEST model (random convolutions, head fit to the shared photos),
 * not ImageNet-trained. Its .pth comes in both formats torch has written; the ONNX file beside
 * them is torch.onnx's export, the reference these conversions must reproduce.
 */
const PHOTOS = 20;
const CLASSES = 1000;
const models = (file: string): string => join(sharedDir(), 'assets', 'models', file);
const io = { arch: 'densenet121', inputName: 'input', outputName: 'logits', imageSize: 224 };

function convert(file: string): Uint8Array {
  const { model } = denseNetOnnx(readFileSync(models(file)), file, { ...io, log: () => {} });
  return encodeOnnxModel(model);
}

async function logits(model: string | Uint8Array, input: Float32Array): Promise<Float32Array> {
  const session = await InferenceSession.create(
    typeof model === 'string' ? readFileSync(model) : model,
  );
  try {
    const shape = [input.length / tensorLength(IMAGENET_SPEC), 3, 224, 224];
    const output = (await session.run({ input: new Tensor('float32', input, shape) }))['logits'];
    return output?.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('the DenseNet-121 converter on the shared test checkpoints', () => {
  const photos = samplePhotos()
    .filter((_, i) => i % 10 === 0)
    .slice(0, PHOTOS);
  let fromZip: Uint8Array;
  let fromLegacy: Uint8Array;

  beforeAll(() => {
    fromZip = convert('densenet121-synthetic.pth');
    fromLegacy = convert('densenet121-synthetic-legacy.pth');
  }, 60_000);

  it('gives the same bytes from the zip (new keys) and the legacy file (old keys)', () => {
    expect(fromZip.length).toBeGreaterThan(30_000_000);
    expect(Buffer.from(fromLegacy).equals(Buffer.from(fromZip))).toBe(true);
  });

  it('matches the shared ONNX export within 1e-4 relative on 20 photos', async () => {
    const slot = tensorLength(IMAGENET_SPEC);
    const input = new Float32Array(photos.length * slot);
    for (const [i, photo] of photos.entries()) {
      const options = { maxInputPixels: 40_000_000 };
      await preprocessInto(readFileSync(photo.path), IMAGENET_SPEC, options, input, i * slot);
    }
    const ours = await logits(fromZip, input);
    const shared = await logits(models('densenet121-synthetic.onnx'), input);
    const reference = referencePredictions();
    photos.forEach((photo, row) => {
      const mine = ours.subarray(row * CLASSES, (row + 1) * CLASSES);
      const theirs = shared.subarray(row * CLASSES, (row + 1) * CLASSES);
      const scale = Math.max(...theirs.map(Math.abs));
      const worst = Math.max(...mine.map((v, i) => Math.abs(v - (theirs[i] as number))));
      expect({ photo: photo.file, relative: worst / scale <= 1e-4 }).toEqual({
        photo: photo.file,
        relative: true,
      });
      expect(mine.indexOf(Math.max(...mine))).toBe(reference.get(photo.file)?.top5[0]);
    });
  }, 120_000);
});

describe('the converter on a checkpoint that is not DenseNet-121', () => {
  const refuse = (bytes: Uint8Array, message: string) => {
    expect(() => denseNetOnnx(bytes, 'bad.pth', { ...io, log: () => {} })).toThrow(message);
  };

  it('names a missing key', () => {
    const renamed = editZipPickle(
      'classifier.bias',
      [...Buffer.from('classifier.bias')],
      [...Buffer.from('classifier.bia_')],
    );
    refuse(renamed, 'bad.pth: missing key classifier.bias for densenet121');
  });

  it('names a wrong shape', () => {
    // classifier.weight's size (1000, 1024) said to be (1000, 1023): still inside its storage.
    const size = [0x4d, 0xe8, 0x03, 0x4d, 0x00, 0x04];
    const reshaped = editZipPickle('classifier.weight', size, [0x4d, 0xe8, 0x03, 0x4d, 0xff, 0x03]);
    refuse(
      reshaped,
      'bad.pth: classifier.weight has shape [1000, 1023]; densenet121 needs [1000, 1024]',
    );
  });
});
