import type { ModelManifest } from '@imgcls/models';
import type { SessionOptions } from './onnx-classifier';

/** What the inference thread is started with. */
export interface InferenceThreadData {
  path: string;
  manifest: ModelManifest;
  options: SessionOptions;
  /** Added to the thread's nice value before the session starts its own threads. */
  niceIncrement: number;
  /** The most runs that wait together which the thread makes one batch. */
  maxBatch: number;
}

export type ToInferenceThread = { type: 'run'; id: number; input: Float32Array };

export type FromInferenceThread =
  /** `maxBatch`: the batches it runs, at most the one asked for and what the graph allows. */
  | { type: 'ready'; imageLength: number; classes: number; maxBatch: number }
  | { type: 'result'; id: number; logits: Float32Array; batch: number }
  | { type: 'failed'; id: number; message: string };
