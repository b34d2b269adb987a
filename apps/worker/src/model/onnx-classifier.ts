import './ort-telemetry'; // before onnxruntime-node loads
import { StartupError } from '@imgcls/env';
import type { ModelManifest } from '@imgcls/models';
import { tensorLength } from '@imgcls/preprocessing';
import * as ort from 'onnxruntime-node';
import type { Classifier, Logits } from './classifier';

export interface SessionOptions {
  intraOpThreads: number;
  /**
   * Whether the intra-op threads stop spinning as soon as a run returns (onnxruntime's
   * `session.force_spinning_stop`). Within a run they spin between operators either way, which
   * is what makes a second thread pay on a fast CPU; by default they also go on spinning after
   * it (~30 ms of CPU after each run of the INT8 test model on a Xeon), taking a core from
   * whatever runs next.
   */
  stopSpinningAfterRun?: boolean;
}

/**
 * One ONNX Runtime session for the manifest's model. The input and output names and the
 * image size come from the manifest; nothing here is specific to one network.
 */
export class OnnxClassifier implements Classifier {
  /** Floats per image in the input tensor (3 × crop × crop). */
  readonly imageLength: number;
  /** Logits per image. */
  readonly classes: number;
  /** `run` takes one image, and blocks its thread while it computes. */
  readonly imagesAtOnce = 1;

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly manifest: ModelManifest,
    /**
     * The most images one run takes: 1 when the graph fixes its batch dimension (a model
     * exported for batches of 1 says N in its manifest and still runs, one at a time), else
     * no limit.
     */
    readonly batchLimit: number,
  ) {
    this.imageLength = tensorLength(manifest.preprocessing);
    this.classes = manifest.output.shape[1] ?? 0;
  }

  static async load(
    path: string,
    manifest: ModelManifest,
    options: SessionOptions,
  ): Promise<OnnxClassifier> {
    const session = await ort.InferenceSession.create(path, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      intraOpNumThreads: options.intraOpThreads,
      interOpNumThreads: 1,
      ...(options.stopSpinningAfterRun ? { extra: { session: { force_spinning_stop: '1' } } } : {}),
    });
    const missing = [
      session.inputNames.includes(manifest.input.name)
        ? undefined
        : `input "${manifest.input.name}"`,
      session.outputNames.includes(manifest.output.name)
        ? undefined
        : `output "${manifest.output.name}"`,
    ].filter((name) => name !== undefined);
    if (missing.length > 0) {
      throw new StartupError(
        `model ${manifest.name}: the ONNX graph has no ${missing.join(' or ')} ` +
          `(it has inputs ${session.inputNames.join(', ')}; outputs ${session.outputNames.join(', ')}); fix models/${manifest.name}.json`,
      );
    }
    const batch = fixedBatch(session, manifest.input.name);
    if (batch !== undefined && batch !== 1) {
      await session.release();
      // A worker runs 1 to MAX_BATCH_SIZE images at a time: such a graph would refuse them all.
      throw new StartupError(
        `model ${manifest.name}: the ONNX graph fixes the batch size of input ` +
          `"${manifest.input.name}" at ${batch}, and a worker runs one image at a time or a few; ` +
          're-export it with a dynamic batch dimension (or a batch of 1)',
      );
    }
    return new OnnxClassifier(session, manifest, batch ?? Infinity);
  }

  /** Runs one image alone. */
  async run(image: Float32Array): Promise<Logits> {
    const [logits] = await this.runBatch([image]);
    if (logits === undefined) throw new Error('a run of one image returned no logits');
    return { logits, batch: 1 };
  }

  /**
   * Runs several images as one batch; returns each one's `classes` logits, in order (views of
   * onnxruntime's output: copy them before the next run).
   */
  async runBatch(images: readonly Float32Array[]): Promise<Float32Array[]> {
    const { cropSize } = this.manifest.preprocessing;
    const length = this.imageLength;
    const [first] = images;
    if (first === undefined) return [];
    let data = first.subarray(0, length);
    if (images.length > 1) {
      // One copy per image (~0.05 ms for DenseNet's 602 KB): the batch's tensor is contiguous.
      data = new Float32Array(images.length * length);
      images.forEach((image, i) => data.set(image.subarray(0, length), i * length));
    }
    const input = new ort.Tensor('float32', data, [images.length, 3, cropSize, cropSize]);
    const outputs = await this.session.run({ [this.manifest.input.name]: input });
    const logits = outputs[this.manifest.output.name];
    const expected = images.length * this.classes;
    if (logits === undefined || logits.type !== 'float32' || logits.size !== expected) {
      throw new Error(
        `model ${this.manifest.name} returned no ${images.length} × ${this.classes} float32 "${this.manifest.output.name}"`,
      );
    }
    const all = logits.data as Float32Array;
    return images.map((_, i) => all.subarray(i * this.classes, (i + 1) * this.classes));
  }

  /**
   * The first run of a batch size allocates and plans; do it before taking jobs so no caller
   * pays for it. One image, then `maxBatch` (the largest a run will hold).
   */
  async warmUp(maxBatch = 1): Promise<void> {
    const image = new Float32Array(this.imageLength);
    await this.runBatch([image]);
    const largest = Math.min(maxBatch, this.batchLimit);
    if (largest > 1) await this.runBatch(Array.from({ length: largest }, () => image));
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** The input's batch dimension where the graph fixes it (undefined: dynamic). */
function fixedBatch(session: ort.InferenceSession, inputName: string): number | undefined {
  const input = session.inputMetadata.find(({ name }) => name === inputName);
  const batch = input?.isTensor ? input.shape[0] : undefined;
  return typeof batch === 'number' && batch > 0 ? batch : undefined;
}
