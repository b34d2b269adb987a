import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseLabelsManifest, parseModelManifest } from './manifest-parse';

const modelsDir = resolve(__dirname, '..', '..', '..', 'models');

function realManifest(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(resolve(modelsDir, `${name}.json`), 'utf8')) as Record<
    string,
    unknown
  >;
}

/** The mobilenet manifest with one (possibly nested) field replaced; undefined deletes it. */
function withField(path: string, value: unknown): unknown {
  const manifest = realManifest('mobilenetv2-12-int8');
  const keys = path.split('.');
  const last = keys.pop() as string;
  let target = manifest;
  for (const key of keys) target = target[key] as Record<string, unknown>;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return manifest;
}

describe('parseModelManifest', () => {
  it('accepts the real manifest unchanged', () => {
    const json = realManifest('mobilenetv2-12-int8');
    expect(parseModelManifest(json, 'm.json')).toEqual(json);
  });

  it.each([
    ['testModel', 'yes', /"testModel" must be true or false/],
    ['preprocessing.mean', [0.4, 0.4], /"preprocessing.mean" must be an array of 3 numbers/],
    ['preprocessing.layout', 'NHWC', /"preprocessing.layout" must be one of NCHW/],
    ['input.shape', [1, 3, 224, 224], /"input.shape" must be \["N", …positive integers\]/],
    ['input.shape', ['N', 3, 256, 256], /"input.shape" must be \["N",3,224,224\] to match/],
    ['sha256', 'CC02', /"sha256" must be 64 lower-case hex/],
    ['sha256', undefined, /"sha256" is required unless "export" or "quantize"/],
    ['sha256Prefix', 'cc028fe6', /"sha256Prefix" must not be given together with "sha256"/],
    ['file', '../etc/passwd', /"file" must be a bare file name/],
    ['url', 'ftp://example.com/x.onnx', /"url" must be an http\(s\) URL or null/],
    ['output', 'logits', /"output" must be a JSON object/],
  ])('names the bad field %s = %p', (field, value, message) => {
    expect(() => parseModelManifest(withField(field, value), 'models/m.json')).toThrow(message);
  });

  it('starts every message with the manifest it read', () => {
    expect(() => parseModelManifest([], 'models/m.json')).toThrow(
      'invalid manifest models/m.json: the manifest must be a JSON object',
    );
  });

  it.each(['densenet121-int8', 'densenet121-synthetic-int8'])(
    'accepts the quantized manifest %s, whose file is made locally',
    (name) => {
      const json = realManifest(name);
      expect(parseModelManifest(json, `${name}.json`)).toEqual(json);
    },
  );

  it.each([
    [
      'quantize.recipe.percentile',
      80,
      /"quantize.recipe.percentile" must be in \[90, 100\], got 80/,
    ],
    ['quantize.recipe.method', 'entropy', /"quantize.recipe.method" must be one of percentile/],
    ['quantize.recipe.keepFloat', 'conv0', /"quantize.recipe.keepFloat" must be a list/],
    ['quantize.recipe.weightBits', 6, /"quantize.recipe.weightBits" must be 7 or 8, got 6/],
    ['quantize.recipe.weightBits', 7.5, /"quantize.recipe.weightBits" must be a positive integer/],
    [
      'quantize.recipe.concatGrid',
      'wide',
      /"quantize.recipe.concatGrid" must be one of shared, own/,
    ],
    ['quantize.calibration.select', 'first', /"quantize.calibration.select" must be one of/],
  ])('names the bad quantize field %s = %p', (field, value, message) => {
    const json = realManifest('densenet121-synthetic-int8');
    const keys = field.split('.');
    const last = keys.pop() as string;
    let target = json;
    for (const key of keys) target = target[key] as Record<string, unknown>;
    target[last] = value;
    expect(() => parseModelManifest(json, 'models/m.json')).toThrow(message);
  });

  it('requires a checksum on export weights', () => {
    const json = realManifest('densenet121');
    delete (json.export as { weights: Record<string, unknown> }).weights.sha256Prefix;
    expect(() => parseModelManifest(json, 'd.json')).toThrow(/"export.weights.sha256" is required/);
  });
});

describe('parseLabelsManifest', () => {
  it('requires a positive class count', () => {
    const json = { name: 'x', description: 'd', file: 'x.json', url: null, sha256: 'a'.repeat(64) };
    expect(() => parseLabelsManifest({ ...json, classes: 0 }, 'x.json')).toThrow(
      /"classes" must be a positive number/,
    );
    expect(parseLabelsManifest({ ...json, classes: 10 }, 'x.json').classes).toBe(10);
  });
});
