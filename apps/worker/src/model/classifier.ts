/** One image's answer from the model. */
export interface Logits {
  /** The image's `classes` logits. */
  logits: Float32Array;
  /** Images in the onnxruntime run it was part of (1: it ran alone). */
  batch: number;
}

/** Runs the model on one image (CHW float32), wherever it runs. */
export interface Classifier {
  /** Floats per image in the input tensor (3 × crop × crop). */
  readonly imageLength: number;
  /** Logits per image. */
  readonly classes: number;
  /**
   * The most images its model computes at once: a batch on each session, as large as the graph
   * allows (a graph exported for batches of 1 runs one image at a time).
   */
  readonly imagesAtOnce: number;
  /**
   * Runs one image; may take `image` over. Where the model runs in its own threads, images
   * that wait for the same session together run as one batch (`MAX_BATCH_SIZE`).
   */
  run(image: Float32Array): Promise<Logits>;
  release(): Promise<void>;
}
