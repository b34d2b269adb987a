import { readFile } from 'node:fs/promises';
import { IMAGENET_SPEC, preprocessInto, tensorLength } from '@imgcls/preprocessing';
import { referenceMobileNetTop1, type SamplePhoto } from '@imgcls/testing';
import * as ort from 'onnxruntime-node';

/** For specs: the 200 shared photos scored against their labels and the zoo model's reference. */
export interface PhotoAccuracy {
  /** Share of photos whose top-1 is their true class. */
  top1: number;
  /** Share of photos whose top-1 is the reference pipeline's top-1 on the zoo INT8 model. */
  agreement: number;
  disagreements: string[];
  /** Each photo's top-1 class index, in the photos' order. */
  predictions: number[];
}

const BATCH = 20;
const CLASSES = 1000;

/** The shared photos through the project's own preprocessing, as one NCHW tensor. */
export async function preprocessPhotos(photos: readonly SamplePhoto[]): Promise<Float32Array> {
  const slot = tensorLength(IMAGENET_SPEC);
  const input = new Float32Array(photos.length * slot);
  for (const [i, photo] of photos.entries()) {
    const bytes = await readFile(photo.path);
    await preprocessInto(bytes, IMAGENET_SPEC, { maxInputPixels: 40_000_000 }, input, i * slot);
  }
  return input;
}

/** Share of photos on which two models name the same top-1 class. */
export function agreementBetween(a: PhotoAccuracy, b: PhotoAccuracy): number {
  const same = a.predictions.filter((p, i) => p === b.predictions[i]).length;
  return same / Math.max(a.predictions.length, 1);
}

function argmax(row: Float32Array): number {
  let best = 0;
  for (let k = 1; k < row.length; k++)
    if ((row[k] ?? -Infinity) > (row[best] ?? -Infinity)) best = k;
  return best;
}

/** Runs a MobileNetV2-shaped model (`input` → `output`) on preprocessed photos. */
export async function scorePhotos(
  model: string | Uint8Array,
  photos: readonly SamplePhoto[],
  input: Float32Array,
): Promise<PhotoAccuracy> {
  const session =
    typeof model === 'string'
      ? await ort.InferenceSession.create(model, { intraOpNumThreads: 1 })
      : await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  const reference = referenceMobileNetTop1();
  const slot = tensorLength(IMAGENET_SPEC);
  let correct = 0;
  const disagreements: string[] = [];
  const predictions: number[] = [];
  try {
    for (let start = 0; start < photos.length; start += BATCH) {
      const count = Math.min(BATCH, photos.length - start);
      const data = input.subarray(start * slot, (start + count) * slot);
      const feeds = {
        input: new ort.Tensor('float32', data, [
          count,
          3,
          IMAGENET_SPEC.cropSize,
          IMAGENET_SPEC.cropSize,
        ]),
      };
      const logits = (await session.run(feeds))['output']?.data as Float32Array;
      for (let i = 0; i < count; i++) {
        const photo = photos[start + i] as SamplePhoto;
        const top1 = argmax(logits.subarray(i * CLASSES, (i + 1) * CLASSES));
        predictions.push(top1);
        if (top1 === photo.classIndex) correct++;
        const expected = reference.get(photo.file);
        if (top1 !== expected) disagreements.push(`${photo.file}: ${top1}, reference ${expected}`);
      }
    }
  } finally {
    await session.release();
  }
  return {
    top1: correct / photos.length,
    agreement: 1 - disagreements.length / photos.length,
    disagreements,
    predictions,
  };
}
