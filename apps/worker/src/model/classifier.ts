/** Writes one image (CHW float32, `imageLength` floats) into the input tensor it is lent. */
export type FillInput = (input: Float32Array) => Promise<void>;

/** Runs the model on one image (CHW float32), wherever it runs. */
export interface Classifier {
  /** Floats per image in the input tensor (3 × crop × crop). */
  readonly imageLength: number;
  /** Logits per image. */
  readonly classes: number;
  /**
   * Lends an input tensor to `fill`, then runs the model on it; returns the image's `classes`
   * logits, the caller's to keep. The tensor is the classifier's and later runs reuse it, so no
   * 602 KB array is allocated, zeroed and freed per image. One image at a time: batches were
   * measured and not kept (docs/benchmarks.md, micro-batching).
   */
  run(fill: FillInput): Promise<Float32Array>;
  release(): Promise<void>;
}
