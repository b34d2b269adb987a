import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { convertCheckpoint } from '@imgcls/densenet-onnx';
import { findTorchPython, runPython, torchPythonCandidates } from '../assets/torch-python';

const REPO_ROOT = resolve(__dirname, '..', '..');
const SHARED = resolve(REPO_ROOT, '..', 'shared');
// Colour and grayscale photos; reference top-1 from ../shared/images/reference_predictions.csv.
const PHOTOS = [
  ['n01440764_tench.JPEG', 0],
  ['n04254680_soccer_ball.JPEG', 805],
  ['n02692877_airship.JPEG', 405],
] as const;

const python = detectTorchPython();
const withTorch = python === undefined ? it.skip : it;

function detectTorchPython(): string | undefined {
  try {
    return findTorchPython(torchPythonCandidates(process.env.PYTHON));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.warn(`skipping the DenseNet-121 export test: ${reason}`);
    return undefined;
  }
}

async function logits(modelPath: string, input: Float32Array, count: number) {
  const session = await ort.InferenceSession.create(modelPath);
  try {
    const feeds = { input: new ort.Tensor('float32', input, [count, 3, 224, 224]) };
    const output = (await session.run(feeds)).logits;
    expect(output?.dims).toEqual([count, 1000]);
    return output?.data as Float32Array;
  } finally {
    await session.release();
  }
}

/**
 * The Python export is no longer what `npm run assets` runs (that is @imgcls/densenet-onnx, in
 * Node); it stays as an independent cross-check wherever torch is installed, as in CI.
 */
describe('tools/export/export_densenet121.py', () => {
  let root: string;
  beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'export-'))));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  withTorch(
    'reproduces the shared densenet121-synthetic.onnx from its .pth (batched, max error 1e-3)',
    async () => {
      const exportedFile = join(root, 'densenet121-synthetic.onnx');
      const batchFile = join(root, 'batch.f32');
      const photos = PHOTOS.map(([file]) => join(SHARED, 'images', file));
      await Promise.all([
        runPython(python as string, [
          join(__dirname, 'reference_preprocess.py'),
          '--output',
          batchFile,
          ...photos,
        ]),
        runPython(python as string, [
          join(__dirname, 'export_densenet121.py'),
          ...['--weights', join(SHARED, 'assets/models/densenet121-synthetic.pth')],
          ...['--output', exportedFile],
        ]),
      ]);

      const input = new Float32Array(new Uint8Array(readFileSync(batchFile)).buffer);
      const exported = await logits(exportedFile, input, PHOTOS.length);
      const shared = await logits(
        join(SHARED, 'assets/models/densenet121-synthetic.onnx'),
        input,
        PHOTOS.length,
      );

      const maxShared = Math.max(...shared.map(Math.abs));
      const maxDiff = Math.max(
        ...exported.map((value, i) => Math.abs(value - (shared[i] as number))),
      );
      expect(maxDiff).toBeLessThanOrEqual(1e-3 * maxShared);
      PHOTOS.forEach(([, top1], row) => {
        const rowLogits = Array.from(exported.subarray(row * 1000, (row + 1) * 1000));
        expect(rowLogits.indexOf(Math.max(...rowLogits))).toBe(top1);
      });
    },
    180_000,
  );

  withTorch(
    'agrees with the Node converter (legacy .pth) within 1e-4 relative on the torchvision-preprocessed photos',
    async () => {
      const pythonFile = join(root, 'python.onnx');
      const nodeFile = join(root, 'node.onnx');
      const batchFile = join(root, 'batch-node.f32');
      const photos = PHOTOS.map(([file]) => join(SHARED, 'images', file));
      await runPython(python as string, [
        join(__dirname, 'reference_preprocess.py'),
        ...['--output', batchFile, ...photos],
      ]);
      await runPython(python as string, [
        join(__dirname, 'export_densenet121.py'),
        ...['--weights', join(SHARED, 'assets/models/densenet121-synthetic-legacy.pth')],
        ...['--output', pythonFile],
      ]);
      await convertCheckpoint({
        ...{ arch: 'densenet121', inputName: 'input', outputName: 'logits', imageSize: 224 },
        weightsFile: join(SHARED, 'assets/models/densenet121-synthetic-legacy.pth'),
        ...{ outFile: nodeFile, log: () => {} },
      });
      const input = new Float32Array(new Uint8Array(readFileSync(batchFile)).buffer);
      const fromPython = await logits(pythonFile, input, PHOTOS.length);
      const fromNode = await logits(nodeFile, input, PHOTOS.length);
      const scale = Math.max(...fromPython.map(Math.abs));
      const maxDiff = Math.max(...fromNode.map((v, i) => Math.abs(v - (fromPython[i] as number))));
      expect(maxDiff).toBeLessThanOrEqual(1e-4 * scale);
    },
    180_000,
  );
});
