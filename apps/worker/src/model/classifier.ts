/** Runs the model on images laid out back to back (NCHW float32), wherever it runs. */
export interface Classifier {
  /** Floats per image in the input tensor (3 × crop × crop). */
  readonly imageLength: number;
  /** Logits per image. */
  readonly classes: number;
  /** Runs `count` images from `batch`; returns count × classes logits. May take `batch` over. */
  run(batch: Float32Array, count: number): Promise<Float32Array>;
  release(): Promise<void>;
}
