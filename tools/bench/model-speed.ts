/**
 * `npm run bench:models -- <fp32 model> <int8 model> [runs]`: the model alone, one thread,
 * batch 1, the two models alternating image by image in one run (a shared, noisy machine slows
 * both alike), median of `runs` each (default 30). Prints the medians and their ratio.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { assetDirs, assetPath, loadModelManifest, type ModelManifest } from '@imgcls/models';
import { preprocessImage } from '@imgcls/preprocessing';
import { median, samplePhotos } from '@imgcls/testing';

const REPO_ROOT = resolve(__dirname, '..', '..');

async function open(model: ModelManifest): Promise<ort.InferenceSession> {
  const path = assetPath(model, assetDirs(REPO_ROOT).modelsDir);
  return ort.InferenceSession.create(path, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
}

async function timeRun(
  session: ort.InferenceSession,
  model: ModelManifest,
  image: Float32Array,
): Promise<number> {
  const size = model.preprocessing.cropSize;
  const feeds = { [model.input.name]: new ort.Tensor('float32', image, [1, 3, size, size]) };
  const startMs = performance.now();
  await session.run(feeds);
  return performance.now() - startMs;
}

async function main(): Promise<void> {
  const [fp32Name = '', int8Name = '', runsText = '30'] = process.argv.slice(2);
  const runs = Number(runsText);
  if (!fp32Name || !int8Name || !(runs >= 1))
    throw new Error('usage: npm run bench:models -- <fp32 model> <int8 model> [runs ≥ 1]');
  const { modelsDir } = assetDirs(REPO_ROOT);
  const models = [
    loadModelManifest(fp32Name, modelsDir),
    loadModelManifest(int8Name, modelsDir),
  ] as const;
  const sessions = await Promise.all(models.map(open));
  const photos = samplePhotos();
  const timesMs: [number[], number[]] = [[], []];
  for (let i = 0; i < runs + 2; i++) {
    const photo = photos[i % photos.length];
    const image = await preprocessImage(readFileSync(photo?.path ?? ''), models[0].preprocessing, {
      maxInputPixels: 40e6,
    });
    // Alternate which model goes first, and drop the first two rounds (warm-up).
    for (const m of i % 2 === 0 ? [0, 1] : [1, 0]) {
      const ms = await timeRun(
        sessions[m] as ort.InferenceSession,
        models[m] as ModelManifest,
        image,
      );
      if (i >= 2) timesMs[m as 0 | 1].push(ms);
    }
  }
  const [fp32Ms, int8Ms] = timesMs.map(median) as [number, number];
  console.log(
    `${fp32Name} ${fp32Ms.toFixed(1)} ms, ${int8Name} ${int8Ms.toFixed(1)} ms (median of ${runs} each, 1 thread, batch 1, alternating): ` +
      `${(fp32Ms / int8Ms).toFixed(2)}× faster`,
  );
}

main().catch((error: unknown) => {
  console.error(`bench:models: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
