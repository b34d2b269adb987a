import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assetDirs } from './asset-paths';
import { listModelNames, loadLabelsManifest, loadModelManifest } from './manifest-load';

const { modelsDir, labelsDir } = assetDirs(resolve(__dirname, '..', '..', '..'));

describe('the manifests in models/ and labels/', () => {
  it.each(listModelNames(modelsDir))('%s is valid and names a label set that exists', (name) => {
    const model = loadModelManifest(name, modelsDir);
    const labels = loadLabelsManifest(model.labels, labelsDir);
    expect(model.output.shape).toEqual(['N', labels.classes]);
  });

  it('lists the five models', () => {
    expect(listModelNames(modelsDir)).toEqual([
      'densenet121',
      'densenet121-int8',
      'densenet121-synthetic',
      'densenet121-synthetic-int8',
      'mobilenetv2-12-int8',
    ]);
  });

  it('makes densenet121 locally from torchvision weights checked by their 8-hex prefix', () => {
    const model = loadModelManifest('densenet121', modelsDir);
    expect(model.sha256).toBeUndefined();
    expect(model.export?.weights).toEqual({
      file: 'densenet121-a639ec97.pth',
      url: 'https://download.pytorch.org/models/densenet121-a639ec97.pth',
      sha256Prefix: 'a639ec97',
    });
    expect(model.input).toEqual({ name: 'input', shape: ['N', 3, 224, 224] });
    expect(model.preprocessing).toEqual({
      resizeShorterTo: 256,
      cropSize: 224,
      resizeFilter: 'bilinear',
      channelOrder: 'RGB',
      layout: 'NCHW',
      scale: 255,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
    });
  });

  it('marks only the synthetic model and its INT8 copy as test models', () => {
    const testModels = listModelNames(modelsDir).filter(
      (name) => loadModelManifest(name, modelsDir).testModel,
    );
    expect(testModels).toEqual(['densenet121-synthetic', 'densenet121-synthetic-int8']);
  });
});

describe('loadModelManifest', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'models-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the available models when the name is unknown', () => {
    expect(() => loadModelManifest('resnet50', modelsDir)).toThrow(
      /unknown model "resnet50".*available: densenet121, densenet121-int8, densenet121-synthetic, densenet121-synthetic-int8, mobilenetv2-12-int8$/,
    );
  });

  it('says "none" when the folder has no manifests', () => {
    expect(() => loadModelManifest('x', dir)).toThrow(/available: none$/);
  });

  it('rejects a file that is not JSON, naming it', () => {
    writeFileSync(join(dir, 'broken.json'), '{ "name": ');
    expect(() => loadModelManifest('broken', dir)).toThrow(/^invalid manifest .*broken\.json: /);
  });

  it('rejects a manifest whose name differs from its file name', () => {
    const real = loadModelManifest('mobilenetv2-12-int8', modelsDir);
    writeFileSync(join(dir, 'other.json'), JSON.stringify(real));
    expect(() => loadModelManifest('other', dir)).toThrow(
      /"name" is "mobilenetv2-12-int8", expected "other"/,
    );
  });
});

describe('loadLabelsManifest', () => {
  it('reads the ImageNet class index manifest', () => {
    expect(loadLabelsManifest('imagenet', labelsDir)).toMatchObject({
      file: 'imagenet_class_index.json',
      classes: 1000,
    });
  });

  it('fails clearly for an unknown label set', () => {
    expect(() => loadLabelsManifest('coco', labelsDir)).toThrow(
      /unknown label set "coco": .*coco\.json does not exist/,
    );
  });
});
