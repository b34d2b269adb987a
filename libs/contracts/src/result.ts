/** One ImageNet class with its probability. */
export interface Prediction {
  /** WordNet id, e.g. `n01440764`. */
  class_id: string;
  /** Human-readable name, e.g. `tench`. */
  class_name: string;
  /** Index in the model's 1000 outputs. */
  class_index: number;
  /** Softmax probability in [0, 1]. */
  probability: number;
}

/** Which model produced a result. */
export interface ModelInfo {
  name: string;
  /** True for stand-in models that are not trained on ImageNet (e.g. `densenet121-synthetic`). */
  test_model: boolean;
}

/** Where a worker spent its time on one job. */
export interface JobTimings {
  queue_wait_ms: number;
  preprocess_ms: number;
  inference_ms: number;
}

/** What a worker returns for a job: the top-1 class at the top level, plus the top-k. */
export interface ClassifyResult extends Prediction {
  top_k: Prediction[];
  model: ModelInfo;
  timings: JobTimings;
}

/** The api's synchronous answer: the worker's result plus the job id. */
export interface ClassifyResponse extends ClassifyResult {
  job_id: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function isPrediction(value: unknown): value is Prediction {
  return (
    isObject(value) &&
    typeof value['class_id'] === 'string' &&
    typeof value['class_name'] === 'string' &&
    typeof value['class_index'] === 'number' &&
    typeof value['probability'] === 'number'
  );
}

/** Narrows a parsed JSON body (or a job's stored return value) to a classification. */
export function isClassifyResult(value: unknown): value is ClassifyResult {
  if (!isPrediction(value) || !isObject(value)) return false;
  const topK = value['top_k'];
  return Array.isArray(topK) && topK.every(isPrediction) && isObject(value['model']);
}
