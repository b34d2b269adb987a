import type { ModelManifest } from '@imgcls/models';
import type { SessionOptions } from './onnx-classifier';

/** What the inference thread is started with. */
export interface InferenceThreadData {
  path: string;
  manifest: ModelManifest;
  options: SessionOptions;
}

/**
 * A slot is shared memory for one run in progress: the input tensor (`imageLength` floats),
 * then the logits (`classes` floats). Each is sent to the thread once; a run names its slot.
 */
export type ToInferenceThread =
  | { type: 'slot'; slot: number; memory: SharedArrayBuffer }
  | { type: 'run'; id: number; slot: number };

/** A result's logits are in its run's slot. */
export type FromInferenceThread =
  | { type: 'ready'; imageLength: number; classes: number }
  | { type: 'result'; id: number }
  | { type: 'failed'; id: number; message: string };
