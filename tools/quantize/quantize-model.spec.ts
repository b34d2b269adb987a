import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assetDirs, assetPath, DEFAULT_RECIPE, loadModelManifest } from '@imgcls/models';
import { REPO_ROOT, samplePhotos } from '@imgcls/testing';
import { quantizeModel, type QuantizeJob } from './quantize-model';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/**
 * The real test model (densenet121-synthetic: random convolutions, NOT ImageNet-trained) and
 * real photos; a small calibration set, since the point is the bytes, not the accuracy.
 */
describe('quantizeModel on densenet121-synthetic (a test model)', () => {
  let dir: string;
  let job: Omit<QuantizeJob, 'outPath'>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'quantize-'));
    mkdirSync(join(dir, 'photos'));
    for (const photo of samplePhotos().slice(0, 6))
      copyFileSync(photo.path, join(dir, 'photos', photo.file));
    const { modelsDir } = assetDirs(REPO_ROOT);
    const fp32 = loadModelManifest('densenet121-synthetic', modelsDir);
    const int8 = loadModelManifest('densenet121-synthetic-int8', modelsDir);
    job = {
      modelPath: assetPath(fp32, modelsDir),
      spec: fp32.preprocessing,
      inputName: fp32.input.name,
      calibrationDir: join(dir, 'photos'),
      select: 'even',
      recipe: int8.quantize?.recipe ?? DEFAULT_RECIPE,
    };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives a byte-identical file when run twice on the same inputs', async () => {
    const first = await quantizeModel({ ...job, outPath: join(dir, 'first.onnx') });
    await quantizeModel({ ...job, outPath: join(dir, 'second.onnx') });
    expect(first.images).toBe(3);
    expect(sha256(join(dir, 'second.onnx'))).toBe(sha256(join(dir, 'first.onnx')));
  }, 600_000);
});
