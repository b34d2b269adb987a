import { existsSync, readFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { decodeOnnxModel, encodeOnnxModel, onnx, OnnxFormatError } from '@imgcls/onnx';
import type { QuantizeRecipe } from '@imgcls/models';
import type { ModelSpec } from '@imgcls/preprocessing';
import { rewriteBatchNorms } from './batch-norm-rewrite';
import { calibrateRanges, channelMaxima } from './calibrate';
import { equalizationPlans, equalizeChannels } from './channel-equalization';
import {
  listCalibrationImages,
  loadCalibrationInputs,
  type CalibrationSelect,
} from './calibration-images';
import { QuantizeError } from './graph-index';
import { checkSupportedOps, placeQdq, type Placement } from './placement';
import { buildQdqGraph } from './qdq-graph';
import { clipBoundedRanges, concatSharedRanges } from './range-rules';
import { simplifyGraph } from './simplify';

export interface QuantizeJob {
  modelPath: string;
  spec: ModelSpec;
  inputName: string;
  calibrationDir: string;
  select: CalibrationSelect;
  recipe: QuantizeRecipe;
  outPath: string;
  /** Where the progress bar goes (stderr); none in tests. */
  progress?: NodeJS.WriteStream;
}

export interface QuantizeSummary {
  images: number;
  skipped: string[];
  quantizedTensors: number;
  bytes: number;
}

/** Bumped whenever the same inputs would give a different file (see tools/assets stamps). */
export const QUANTIZER_VERSION = 5;

// Per-axis DequantizeLinear needs opset 13.
const MIN_OPSET = 13;

function readModel(path: string): onnx.ModelProto {
  if (!existsSync(path))
    throw new QuantizeError(`model file ${path} does not exist; run npm run assets first`);
  try {
    return decodeOnnxModel(readFileSync(path), path);
  } catch (err) {
    if (err instanceof OnnxFormatError) throw new QuantizeError(err.message);
    throw err;
  }
}

function withQdqGraph(
  model: onnx.ModelProto,
  graph: onnx.IGraphProto,
  recipe: QuantizeRecipe,
): Uint8Array {
  const opsetImport = model.opsetImport.map((o) =>
    o.domain ? o : { ...o, version: Math.max(Number(o.version), MIN_OPSET) },
  );
  const metadataProps = [
    ...model.metadataProps,
    { key: 'imgcls.quantize.recipe', value: JSON.stringify(recipe) },
  ];
  return encodeOnnxModel({ ...model, opsetImport, metadataProps, graph });
}

/**
 * The float graph made ready, then its QDQ copy: BatchNormalizations rewritten, each Concat
 * input's channels equalised (channel-equalization.ts), then every placed tensor's range
 * calibrated on the equalised graph, and (recipe `concatGrid: shared`) the tensors that meet at a
 * Concat given one range.
 */
async function quantizedGraph(
  model: onnx.ModelProto,
  images: Float32Array[],
  job: QuantizeJob,
): Promise<{ qdq: onnx.IGraphProto; placement: Placement }> {
  const normalised = rewriteBatchNorms(simplifyGraph(model.graph as onnx.IGraphProto));
  const calibration = {
    inputName: job.inputName,
    images,
    cropSize: job.spec.cropSize,
    percentile: job.recipe.percentile,
    progress: job.progress,
  };
  const plans = equalizationPlans(normalised);
  const maxima = await channelMaxima({
    ...calibration,
    model: { ...model, graph: normalised },
    tensors: plans.map((p) => p.tensor),
  });
  const float = equalizeChannels(normalised, plans, maxima);
  const placement = placeQdq(float, new Set(job.recipe.keepFloat));
  const ranges = await calibrateRanges({
    ...calibration,
    model: { ...model, graph: float },
    tensors: placement.calibrated,
  });
  const bounded = clipBoundedRanges(float, ranges);
  const grids = job.recipe.concatGrid === 'shared' ? concatSharedRanges(float, bounded) : bounded;
  return { qdq: buildQdqGraph(float, placement, grids, job.recipe.weightBits), placement };
}

/**
 * fp32 ONNX → static INT8 QDQ ONNX: int8 symmetric per-channel weights, uint8 per-tensor
 * activations calibrated on real images through the service's own preprocessing, int32 biases.
 * Everything that can be refused is checked before the minute of work; the file appears only
 * when complete (temporary name, then rename).
 */
export async function quantizeModel(job: QuantizeJob): Promise<QuantizeSummary> {
  const model = readModel(job.modelPath);
  checkSupportedOps(model.graph as onnx.IGraphProto, job.modelPath);
  const files = listCalibrationImages(job.calibrationDir, job.select);
  const inputs = await loadCalibrationInputs(files, job.spec, job.calibrationDir);
  const { qdq, placement } = await quantizedGraph(model, inputs.tensors, job);
  const bytes = withQdqGraph(model, qdq, job.recipe);
  const partial = `${job.outPath}.${process.pid}.part`;
  try {
    await writeFile(partial, bytes);
    await rename(partial, job.outPath);
  } finally {
    await rm(partial, { force: true });
  }
  const quantizedTensors = placement.calibrated.length + placement.shared.size;
  return {
    images: inputs.tensors.length,
    skipped: inputs.skipped,
    quantizedTensors,
    bytes: bytes.length,
  };
}
