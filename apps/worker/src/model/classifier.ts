/** Runs the model on one image (CHW float32), wherever it runs. */
export interface Classifier {
  /** Floats per image in the input tensor (3 × crop × crop). */
  readonly imageLength: number;
  /** Logits per image. */
  readonly classes: number;
  /**
   * Runs one image; returns its `classes` logits. May take `image` over. One at a time: batches
   * were measured and not kept (docs/benchmarks.md, micro-batching).
   */
  run(image: Float32Array): Promise<Float32Array>;
  release(): Promise<void>;
}
