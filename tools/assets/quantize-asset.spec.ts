import { existsSync, statSync } from 'node:fs';
import { assetDirs, assetPath, loadModelManifest, type ModelManifest } from '@imgcls/models';
import { REPO_ROOT } from '@imgcls/testing';
import { quantizeAsset } from './quantize-asset';

const { modelsDir } = assetDirs(REPO_ROOT);

function derived(name: string): ModelManifest & Required<Pick<ModelManifest, 'quantize'>> {
  const model = loadModelManifest(name, modelsDir);
  if (!model.quantize) throw new Error(`${name} is not a quantized model`);
  return { ...model, quantize: model.quantize };
}

describe('quantizeAsset', () => {
  it('keeps the INT8 test model that npm run assets:test made: same source, recipe and photos', async () => {
    const model = derived('densenet121-synthetic-int8');
    const path = assetPath(model, modelsDir);
    if (!existsSync(path)) throw new Error(`${path} is missing; run npm run assets:test`);
    const before = statSync(path).mtimeMs;
    const lines: string[] = [];
    await quantizeAsset(model, model.quantize, {
      repoRoot: REPO_ROOT,
      modelsDir,
      log: (l) => lines.push(l),
    });
    expect(lines).toEqual([
      expect.stringMatching(/densenet121-synthetic-int8\.onnx is up to date/),
    ]);
    expect(statSync(path).mtimeMs).toBe(before);
  });

  it('asks for calibration images when the manifest leaves the folder to the user', async () => {
    const model = derived('densenet121-int8');
    await expect(
      quantizeAsset(model, model.quantize, {
        repoRoot: REPO_ROOT,
        modelsDir,
        log: () => undefined,
      }),
    ).rejects.toThrow(
      'densenet121-int8 is calibrated on your own images: npm run assets -- densenet121-int8 --calibration <folder',
    );
  });
});
