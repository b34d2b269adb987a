import { z } from 'zod';
import { guardOf } from './schema-guard';

/** One ImageNet class with its probability. */
export const PredictionSchema = z.object({
  class_id: z
    .string()
    .regex(/^n\d{8}$/)
    .meta({ description: 'WordNet id', example: 'n01440764' }),
  class_name: z.string().meta({ description: 'human-readable name', example: 'tench' }),
  class_index: z.number().int().min(0).meta({ description: "index in the model's outputs" }),
  probability: z.number().min(0).max(1).meta({ description: 'softmax probability' }),
});
export type Prediction = z.infer<typeof PredictionSchema>;

/** Which model produced a result. */
export const ModelInfoSchema = z.object({
  name: z.string().meta({ example: 'densenet121' }),
  test_model: z.boolean().meta({ description: 'true for stand-ins not trained on ImageNet' }),
});
export type ModelInfo = z.infer<typeof ModelInfoSchema>;

/** Where a worker spent its time on one job. */
export const JobTimingsSchema = z.object({
  queue_wait_ms: z.number(),
  preprocess_ms: z.number(),
  inference_ms: z.number(),
});
export type JobTimings = z.infer<typeof JobTimingsSchema>;

/** What a worker returns for a job: the top-1 class at the top level, plus the top-k. */
export const ClassifyResultSchema = PredictionSchema.extend({
  top_k: z.array(PredictionSchema),
  model: ModelInfoSchema,
  timings: JobTimingsSchema,
});
export type ClassifyResult = z.infer<typeof ClassifyResultSchema>;

/** The api's synchronous answer: the worker's result plus the job id. */
export const ClassifyResponseSchema = ClassifyResultSchema.extend({
  job_id: z.string().meta({ format: 'uuid' }),
});
export type ClassifyResponse = z.infer<typeof ClassifyResponseSchema>;

export const isPrediction = guardOf(PredictionSchema);
/** A parsed JSON body, or a job's stored return value, that is a classification. */
export const isClassifyResult = guardOf(ClassifyResultSchema);
export const isClassifyResponse = guardOf(ClassifyResponseSchema);
