import { FieldReader } from './field-reader';
import { readDerivation } from './model-derivation';
import type {
  AssetFile,
  LabelsManifest,
  ModelExport,
  ModelManifest,
  ModelPreprocessing,
  TensorSpec,
} from './manifest.types';

const SHA256 = /^[0-9a-f]{64}$/;
const SHA256_PREFIX = /^[0-9a-f]{8,63}$/;
// A bare file name: manifests must not point outside their folder.
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MODEL_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/** Validates parsed JSON as a model manifest; `source` names the file in error messages. */
export function parseModelManifest(json: unknown, source: string): ModelManifest {
  const fields = new FieldReader(json, source);
  const manifest: ModelManifest = {
    name: fields.string('name', MODEL_NAME, 'lower-case letters, digits, ".", "_" or "-"'),
    description: fields.string('description'),
    testModel: fields.boolean('testModel'),
    labels: fields.string('labels'),
    ...readAssetFile(fields, { checksumRequired: false }),
    input: readTensor(fields.object('input')),
    output: readTensor(fields.object('output')),
    preprocessing: readPreprocessing(fields.object('preprocessing')),
  };
  if (fields.has('export')) manifest.export = readExport(fields.object('export'));
  if (fields.has('quantize')) manifest.quantize = readDerivation(fields.object('quantize'));
  // Without a published checksum the ONNX file can only be made locally.
  if (manifest.sha256 === undefined && !manifest.export && !manifest.quantize) {
    fields.fail('sha256', 'is required unless "export" or "quantize" says how the file is made');
  }
  checkInputShape(fields, manifest);
  return manifest;
}

/** Validates parsed JSON as a label manifest. */
export function parseLabelsManifest(json: unknown, source: string): LabelsManifest {
  const fields = new FieldReader(json, source);
  return {
    name: fields.string('name', MODEL_NAME, 'lower-case letters, digits, ".", "_" or "-"'),
    description: fields.string('description'),
    ...readAssetFile(fields, { checksumRequired: true }),
    classes: fields.positiveInteger('classes'),
  };
}

function readAssetFile(fields: FieldReader, opts: { checksumRequired: boolean }): AssetFile {
  const asset: AssetFile = {
    file: fields.string('file', FILE_NAME, 'a bare file name'),
    url: fields.nullableString('url'),
  };
  if (asset.url !== null && !/^https?:\/\//.test(asset.url)) {
    fields.fail('url', `must be an http(s) URL or null, got "${asset.url}"`);
  }
  if (fields.has('sha256')) asset.sha256 = fields.string('sha256', SHA256, '64 lower-case hex');
  if (fields.has('sha256Prefix')) {
    asset.sha256Prefix = fields.string('sha256Prefix', SHA256_PREFIX, '8 to 63 lower-case hex');
  }
  if (asset.sha256 !== undefined && asset.sha256Prefix !== undefined) {
    fields.fail('sha256Prefix', 'must not be given together with "sha256"');
  }
  if (opts.checksumRequired && asset.sha256 === undefined && asset.sha256Prefix === undefined) {
    fields.fail('sha256', 'is required (or "sha256Prefix")');
  }
  if (fields.has('bytes')) asset.bytes = fields.positiveInteger('bytes');
  return asset;
}

// The preprocessing produces the input tensor, so the two must describe the same shape.
function checkInputShape(fields: FieldReader, manifest: ModelManifest): void {
  const { cropSize, resizeShorterTo } = manifest.preprocessing;
  if (cropSize > resizeShorterTo) {
    fields.fail('preprocessing.cropSize', `(${cropSize}) must not exceed resizeShorterTo`);
  }
  const expected = JSON.stringify(['N', 3, cropSize, cropSize]);
  const actual = JSON.stringify(manifest.input.shape);
  if (actual !== expected) {
    fields.fail('input.shape', `must be ${expected} to match preprocessing, got ${actual}`);
  }
}

function readExport(fields: FieldReader): ModelExport {
  return {
    script: fields.string('script'),
    weights: readAssetFile(fields.object('weights'), { checksumRequired: true }),
  };
}

function readTensor(fields: FieldReader): TensorSpec {
  return { name: fields.string('name'), shape: fields.batchShape('shape') };
}

function readPreprocessing(fields: FieldReader): ModelPreprocessing {
  return {
    resizeShorterTo: fields.positiveInteger('resizeShorterTo'),
    cropSize: fields.positiveInteger('cropSize'),
    resizeFilter: fields.literal('resizeFilter', ['bilinear']),
    channelOrder: fields.literal('channelOrder', ['RGB']),
    layout: fields.literal('layout', ['NCHW']),
    scale: fields.positiveNumber('scale'),
    mean: fields.numberTriple('mean'),
    std: fields.numberTriple('std'),
  };
}
