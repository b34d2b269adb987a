import './ort-telemetry'; // before onnxruntime-node loads
import { StartupError } from '@imgcls/env';
import type { ModelManifest } from '@imgcls/models';
import { tensorLength } from '@imgcls/preprocessing';
import * as ort from 'onnxruntime-node';
import type { Classifier } from './classifier';

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

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly manifest: ModelManifest,
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
    return new OnnxClassifier(session, manifest);
  }

  /** Runs one image; returns its `classes` logits. */
  async run(image: Float32Array): Promise<Float32Array> {
    const { cropSize } = this.manifest.preprocessing;
    const input = new ort.Tensor('float32', image.subarray(0, this.imageLength), [
      1,
      3,
      cropSize,
      cropSize,
    ]);
    const outputs = await this.session.run({ [this.manifest.input.name]: input });
    const logits = outputs[this.manifest.output.name];
    if (logits === undefined || logits.type !== 'float32' || logits.size !== this.classes) {
      throw new Error(
        `model ${this.manifest.name} returned no ${this.classes} float32 "${this.manifest.output.name}"`,
      );
    }
    return logits.data as Float32Array;
  }

  /** The first run allocates and plans; do it before taking jobs so no caller pays for it. */
  async warmUp(): Promise<void> {
    await this.run(new Float32Array(this.imageLength));
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
