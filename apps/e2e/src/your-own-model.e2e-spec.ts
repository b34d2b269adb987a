import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, ServiceProcess, WORKER_MAIN } from '@imgcls/testing';
import { classifySync, photo } from './support/jobs';
import { startStack } from './support/stack';

/** The files that docs/your-own-model.md marks with `<!-- models/x.json -->` before a block. */
function documentedManifests(): { path: string; json: string }[] {
  const page = readFileSync(join(REPO_ROOT, 'docs/your-own-model.md'), 'utf8');
  const blocks = page.matchAll(
    /<!-- ((?:models|labels)\/[\w.-]+\.json) -->\s*```json\n([\s\S]*?)```/g,
  );
  return [...blocks].map(([, path = '', json = '']) => ({ path, json }));
}

/**
 * docs/your-own-model.md's example, copied verbatim, with the ONNX Model Zoo's MobileNetV2
 * INT8 (genuinely ImageNet-trained) put under the example's file name: it must load, pass
 * the check, and serve photos exactly as the repository's own manifest of that file does.
 */
describe('the "Your own model" example (mobilenetv2-12-int8 under its name)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'imgcls-own-model-'));
  const env = {
    MODEL: 'my-classifier',
    MODELS_DIR: join(dir, 'models'),
    LABELS_DIR: join(dir, 'labels'),
  };
  beforeAll(() => {
    mkdirSync(env.MODELS_DIR);
    mkdirSync(env.LABELS_DIR);
    const manifests = documentedManifests();
    expect(manifests.map((m) => m.path).sort()).toEqual([
      'labels/my-labels.json',
      'models/my-classifier.json',
    ]);
    for (const { path, json } of manifests) writeFileSync(join(dir, path), json);
    copyFileSync(
      join(REPO_ROOT, 'models/mobilenetv2-12-int8.onnx'),
      join(env.MODELS_DIR, 'my-classifier.onnx'),
    );
    copyFileSync(
      join(REPO_ROOT, 'labels/imagenet_class_index.json'),
      join(env.LABELS_DIR, 'my-labels-index.json'),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes --check-model', async () => {
    const check = ServiceProcess.spawn(
      'check-model',
      process.execPath,
      [WORKER_MAIN, '--check-model'],
      { ...process.env, ...env, INFERENCE_THREADS: '1' },
    );
    expect(await check.exited).toBe(0);
    expect(check.log).toContain('model my-classifier OK');
  });

  it('serves photos exactly as the built-in manifest of the same file does', async () => {
    const answers = async (model: string, extraEnv: NodeJS.ProcessEnv) => {
      const stack = await startStack({ model, env: extraEnv });
      try {
        const found: { name: string; classIndex: number; probability: number }[] = [];
        for (let i = 0; i < 5; i++) {
          const { bytes } = await photo(i * 7);
          const { status, body } = await classifySync(stack.url, bytes);
          expect(status).toBe(200);
          found.push({
            name: body.model.name,
            classIndex: body.class_index,
            probability: body.probability,
          });
        }
        return found;
      } finally {
        await stack.stop();
      }
    };
    const mine = await answers('my-classifier', env);
    const builtIn = await answers('mobilenetv2-12-int8', {});
    expect(mine.map((a) => a.name)).toEqual(Array(5).fill('my-classifier'));
    expect(mine.map(({ classIndex, probability }) => ({ classIndex, probability }))).toEqual(
      builtIn.map(({ classIndex, probability }) => ({ classIndex, probability })),
    );
  });
});
