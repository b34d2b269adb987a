import { createHash } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { encodeOnnxModel, onnx } from '@imgcls/onnx';
import { readCheckpoint, type TensorInfo } from '@imgcls/torch-checkpoint';
import { denseNetArch } from './densenet-archs';
import { denseNetGraph, type GraphIo } from './densenet-graph';
import { checkParams, expectedParams, normaliseKeys } from './expected-params';

export interface ConvertOptions extends GraphIo {
  /** `densenet121`, `densenet161`, `densenet169` or `densenet201`. */
  arch: string;
  weightsFile: string;
  outFile: string;
  /** One line per stage. */
  log: (line: string) => void;
}

export interface ConvertSummary {
  parameters: number;
  bytes: number;
  sha256: string;
}

/**
 * Makes the ONNX model from the state dict in memory (see {@link denseNetOnnx}), then writes it
 * under a temporary name beside `outFile` and renames it into place: a failure at any point
 * leaves no partial file.
 */
export async function convertCheckpoint(options: ConvertOptions): Promise<ConvertSummary> {
  options.log(`reading ${options.weightsFile}`);
  const bytes = await readFile(options.weightsFile);
  const { model, parameters } = denseNetOnnx(bytes, basename(options.weightsFile), options);
  const encoded = encodeOnnxModel(model);
  const partial = join(
    dirname(options.outFile),
    `.${basename(options.outFile)}.${process.pid}.part`,
  );
  options.log(`writing ${options.outFile}`);
  try {
    await writeFile(partial, encoded);
    await rename(partial, options.outFile);
  } finally {
    await rm(partial, { force: true });
  }
  const sha256 = createHash('sha256').update(encoded).digest('hex');
  return { parameters, bytes: encoded.length, sha256 };
}

/**
 * Checkpoint bytes → ONNX model: read the state dict, rename old keys, check every key and shape
 * against `options.arch`, build the graph. Deterministic: the same weights give the same model,
 * whichever format or key style they came in.
 */
export function denseNetOnnx(
  checkpoint: Uint8Array,
  source: string,
  options: Omit<ConvertOptions, 'weightsFile' | 'outFile'>,
): { model: onnx.ModelProto; parameters: number } {
  const arch = denseNetArch(options.arch);
  const params = expectedParams(arch);
  // Keys and shapes are checked from the pickle alone, before any weight is copied.
  const inspect = (tensors: ReadonlyMap<string, TensorInfo>) => {
    options.log(`checking ${tensors.size} tensors against ${options.arch}`);
    checkParams(normaliseKeys(tensors), params, options.arch);
  };
  const stateDict = normaliseKeys(readCheckpoint(checkpoint, source, { inspect }));
  options.log(`building the ${options.arch} graph (opset 17)`);
  const model = denseNetGraph(arch, stateDict, options);
  // Learnable parameters only, as torch counts them; batch-norm statistics are buffers.
  const parameters = params
    .filter((p) => !/\.running_(mean|var)$/.test(p.key))
    .reduce((sum, p) => sum + p.shape.reduce((a, b) => a * b, 1), 0);
  return { model, parameters };
}
