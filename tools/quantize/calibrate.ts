import * as ort from 'onnxruntime-node';
import { encodeOnnxModel, onnx } from '@imgcls/onnx';
import { Histogram, observeExtremes, percentileRange, type Extremes } from './histogram';
import { ProgressBar } from './progress-bar';

export interface CalibrationRun {
  /** The float model, BatchNormalizations already rewritten. */
  model: onnx.IModelProto;
  inputName: string;
  /** One preprocessed image each, `[3, size, size]`. */
  images: readonly Float32Array[];
  cropSize: number;
  tensors: readonly string[];
  percentile: number;
  progress?: NodeJS.WriteStream;
}

// Intermediate tensors become graph outputs so one run returns them all.
function withOutputs(model: onnx.IModelProto, names: readonly string[]): Uint8Array {
  const graph = model.graph as onnx.IGraphProto;
  const present = new Set((graph.output ?? []).map((o) => o.name));
  const extra = names
    .filter((n) => !present.has(n))
    .map((name) =>
      onnx.ValueInfoProto.create({
        name,
        type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } },
      }),
    );
  const output = [...(graph.output ?? []), ...extra];
  return encodeOnnxModel({ ...model, graph: { ...graph, output } });
}

/** `channels`: the tensor's dimension 1 (NCHW). */
type Visit = (name: string, values: Float32Array, channels: number) => void;

/** One pass over the images; single-threaded, so every run sees the same floats. */
async function pass(
  run: CalibrationRun,
  session: ort.InferenceSession,
  label: string,
  visit: Visit,
) {
  const bar = run.progress ? new ProgressBar(run.progress, label, run.images.length) : undefined;
  const fetches = run.tensors.filter((t) => t !== run.inputName);
  const shape = [1, 3, run.cropSize, run.cropSize];
  for (const [i, image] of run.images.entries()) {
    const results = await session.run(
      { [run.inputName]: new ort.Tensor('float32', image, shape) },
      fetches,
    );
    if (run.tensors.includes(run.inputName)) visit(run.inputName, image, 3);
    for (const name of fetches) {
      const result = results[name];
      visit(name, result?.data as Float32Array, Number(result?.dims[1] ?? 1));
    }
    bar?.update(i + 1);
  }
}

function openSession(run: CalibrationRun): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(withOutputs(run.model, run.tensors), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'basic',
  });
}

/**
 * Ranges of the named tensors over the calibration images: pass one finds each tensor's
 * extremes, pass two fills a fixed-bin histogram between them, and the range keeps the central
 * `percentile`%. Two passes cost a second inference per image but no re-binning.
 */
export async function calibrateRanges(run: CalibrationRun): Promise<Map<string, Extremes>> {
  const session = await openSession(run);
  try {
    const extremes = new Map(run.tensors.map((t) => [t, { min: Infinity, max: -Infinity }]));
    await pass(run, session, 'calibrating: ranges    ', (name, values) =>
      observeExtremes(values, extremes.get(name) as Extremes),
    );
    const histograms = new Map([...extremes].map(([t, e]) => [t, new Histogram(e)]));
    await pass(run, session, 'calibrating: histograms', (name, values) =>
      histograms.get(name)?.add(values),
    );
    return new Map([...histograms].map(([t, h]) => [t, percentileRange(h, run.percentile)]));
  } finally {
    await session.release();
  }
}

/** Each named `[1, C, …]` tensor's largest |value| per channel over the calibration images. */
export async function channelMaxima(run: CalibrationRun): Promise<Map<string, Float32Array>> {
  const maxima = new Map<string, Float32Array>();
  if (run.tensors.length === 0) return maxima;
  const session = await openSession(run);
  try {
    await pass(run, session, 'calibrating: channels  ', (name, values, channels) => {
      const max = maxima.get(name) ?? new Float32Array(channels);
      maxima.set(name, max);
      const plane = values.length / channels;
      for (let i = 0; i < values.length; i++) {
        const c = Math.floor(i / plane);
        max[c] = Math.max(max[c] ?? 0, Math.abs(values[i] ?? 0));
      }
    });
    return maxima;
  } finally {
    await session.release();
  }
}
