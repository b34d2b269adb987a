import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { decodeOnnxModel, encodeOnnxModel } from '@imgcls/onnx';
import { displayPath } from '@imgcls/models';
import { DequantizeError, type SaturationPolicy } from './dequantize-graph';
import { dequantizeModel } from './dequantize-model';

export interface DequantizeSummary {
  bytes: number;
  /** Op type → count in the float graph, in first-seen order. */
  ops: Map<string, number>;
}

/** Reads a QOperator INT8 file and writes its float copy; never leaves a partial `outPath`. */
export function dequantizeFile(
  inPath: string,
  outPath: string,
  saturation: SaturationPolicy = 'activations',
): DequantizeSummary {
  if (!existsSync(inPath)) {
    throw new DequantizeError(
      `${displayPath(inPath)} does not exist; fetch it with npm run assets`,
    );
  }
  const source = basename(inPath);
  const model = dequantizeModel(decodeOnnxModel(readFileSync(inPath), source), {
    source,
    saturation,
  });
  const bytes = encodeOnnxModel(model);
  const partPath = `${outPath}.part`;
  try {
    writeFileSync(partPath, bytes);
    renameSync(partPath, outPath);
  } finally {
    rmSync(partPath, { force: true });
  }
  const ops = new Map<string, number>();
  for (const { opType = '' } of model.graph?.node ?? []) {
    ops.set(opType ?? '', (ops.get(opType ?? '') ?? 0) + 1);
  }
  return { bytes: bytes.length, ops };
}
