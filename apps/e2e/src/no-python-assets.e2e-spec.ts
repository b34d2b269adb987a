import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, samplePhotos, sharedDir } from '@imgcls/testing';
import { pythonFreePath } from './support/python-free-path';
import { startStack, type Stack } from './support/stack';

/**
 * `npm run assets` needs Node alone: with every Python off PATH and PYTHON unset, the real
 * assets step makes the ONNX model from PyTorch weights and the stack serves a photo with it.
 * The weights are the shared densenet121-synthetic.pth (a TEST model, not ImageNet-trained;
 * the official densenet121 weights need the internet). Its manifest here drops the published
 * ONNX checksum, as densenet121's has none, so the model can only come from the conversion.
 */
function exportOnlyTree(root: string): { modelsDir: string; labelsDir: string } {
  const modelsDir = join(root, 'models');
  const labelsDir = join(root, 'labels');
  [modelsDir, labelsDir].forEach((dir) => mkdirSync(dir));
  const manifest = JSON.parse(
    readFileSync(join(REPO_ROOT, 'models/densenet121-synthetic.json'), 'utf8'),
  ) as Record<string, unknown>;
  delete manifest['sha256'];
  delete manifest['bytes'];
  writeFileSync(join(modelsDir, 'densenet121-synthetic.json'), JSON.stringify(manifest));
  writeFileSync(
    join(labelsDir, 'imagenet.json'),
    readFileSync(join(REPO_ROOT, 'labels/imagenet.json')),
  );
  return { modelsDir, labelsDir };
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => done({ code, output }));
  });
}

describe('npm run assets with no Python at all', () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  let dirs: { modelsDir: string; labelsDir: string };
  let stack: Stack | undefined;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'no-python-'));
    dirs = exportOnlyTree(root);
    const { PYTHON: _unset, ...rest } = process.env;
    env = {
      ...rest,
      PATH: pythonFreePath(process.env.PATH ?? '', join(root, 'bin')),
      ASSET_MIRROR: join(sharedDir(), 'assets'),
      MODELS_DIR: dirs.modelsDir,
      LABELS_DIR: dirs.labelsDir,
    };
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('has no python on that PATH', () => {
    const found = spawnSync('sh', ['-c', 'command -v python3 python python2 || true'], { env });
    expect(found.status).toBe(0);
    expect(found.stdout.toString()).toBe('');
  });

  it('makes the model from the .pth, and the stack serves a photo with it', async () => {
    const assets = await run('npm', ['run', 'assets', '--', 'densenet121-synthetic'], env);
    expect({ code: assets.code, output: assets.output }).toMatchObject({ code: 0 });
    const model = readFileSync(join(dirs.modelsDir, 'densenet121-synthetic.onnx'));
    const sha256 = createHash('sha256').update(model).digest('hex');
    expect(assets.output).toContain('converting densenet121-synthetic.pth');
    expect(assets.output).toContain(`exported: 7978856 parameters, sha256 ${sha256}`);

    stack = await startStack({
      env: { PATH: env.PATH, MODELS_DIR: dirs.modelsDir, LABELS_DIR: dirs.labelsDir },
    });
    const photo = samplePhotos().find((p) => p.file === 'n01440764_tench.JPEG');
    if (photo === undefined) throw new Error('the shared tench photo is missing');
    const result = await stack.client.classify(readFileSync(photo.path), { filename: photo.file });
    expect({ class_index: result.class_index, class_id: result.class_id }).toEqual({
      class_index: photo.classIndex,
      class_id: photo.wnid,
    });
    expect(result.model).toEqual({ name: 'densenet121-synthetic', test_model: true });
  }, 300_000);
});
