import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installAssets, type InstallOptions } from './install-assets';
import { findTorchPython } from './torch-python';
import { IMAGENET_SPEC } from '@imgcls/preprocessing';

const MODEL_BYTES = Buffer.from('tiny model');
const LABEL_BYTES = Buffer.from('{"0": ["n0", "zero"]}');
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** A checkout-like temp tree: models/ and labels/ with one manifest each, and a mirror. */
function makeTree(root: string): InstallOptions {
  const dirs = ['models', 'labels', 'mirror/models', 'mirror/labels'].map((d) => join(root, d));
  dirs.forEach((d) => mkdirSync(d, { recursive: true }));
  const [modelsDir, labelsDir] = dirs as [string, string];
  writeFileSync(
    join(modelsDir, 'tiny.json'),
    JSON.stringify({
      ...{ name: 'tiny', description: 'test', testModel: true, labels: 'tiny-labels' },
      ...{ file: 'tiny.onnx', sha256: sha256(MODEL_BYTES), url: null },
      input: { name: 'input', shape: ['N', 3, 224, 224] },
      output: { name: 'logits', shape: ['N', 1] },
      preprocessing: IMAGENET_SPEC,
    }),
  );
  writeFileSync(
    join(labelsDir, 'tiny-labels.json'),
    JSON.stringify({
      ...{ name: 'tiny-labels', description: 'test', file: 'tiny_class_index.json', url: null },
      ...{ sha256: sha256(LABEL_BYTES), classes: 1 },
    }),
  );
  writeFileSync(join(root, 'mirror/models/tiny.onnx'), MODEL_BYTES);
  writeFileSync(join(root, 'mirror/labels/tiny_class_index.json'), LABEL_BYTES);
  const mirrorDir = join(root, 'mirror');
  return { repoRoot: root, modelsDir, labelsDir, mirrorDir, log: () => {} };
}

describe('installAssets', () => {
  let root: string;
  let options: InstallOptions;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'install-assets-'));
    options = makeTree(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('copies a model and its label file from the mirror', async () => {
    await installAssets(['tiny'], options);
    expect(readFileSync(join(options.modelsDir, 'tiny.onnx'))).toEqual(MODEL_BYTES);
    expect(readFileSync(join(options.labelsDir, 'tiny_class_index.json'))).toEqual(LABEL_BYTES);
  });

  it('refuses a mirror file with the wrong checksum', async () => {
    writeFileSync(join(root, 'mirror/models/tiny.onnx'), 'tampered');
    await expect(installAssets(['tiny'], options)).rejects.toThrow(
      /^refused tiny\.onnx from .*tiny\.onnx: sha256 mismatch: expected [0-9a-f]{64}, got/,
    );
    expect(readdirSync(options.modelsDir)).toEqual(['tiny.json']);
  });

  it('says when the mirror lacks a file', async () => {
    rmSync(join(root, 'mirror/models/tiny.onnx'));
    await expect(installAssets(['tiny'], options)).rejects.toThrow(
      /^tiny\.onnx is not in the asset mirror \(no .*tiny\.onnx\); the mirror must hold/,
    );
  });

  it('rejects an unknown model name before fetching anything', async () => {
    await expect(installAssets(['tiny', 'resnet'], options)).rejects.toThrow(
      /unknown model "resnet".*available: tiny$/,
    );
    expect(readdirSync(options.labelsDir)).toEqual(['tiny-labels.json']);
  });
});

describe('findTorchPython', () => {
  it('tells how to install torch when no candidate has it', () => {
    expect(() => findTorchPython(['/nonexistent/python3'])).toThrow(
      /no Python with torch and torchvision \(tried \/nonexistent\/python3\); install them .*apt-get install python3-torch python3-torchvision.*pip install torch torchvision/,
    );
  });
});
