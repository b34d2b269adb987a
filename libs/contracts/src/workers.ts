import { z } from 'zod';
import { CLASSIFY_QUEUE } from './queue';
import { guardOf } from './schema-guard';

/** A model as `GET /models` lists it. */
export const ModelDescriptionSchema = z.object({
  name: z.string(),
  description: z.string(),
  test_model: z.boolean().meta({ description: 'true for stand-ins not trained on ImageNet' }),
  input: z
    .object({ name: z.string(), shape: z.array(z.union([z.number().int(), z.string()])) })
    .meta({ description: 'input tensor: name and shape, batch dimension first ("N")' }),
  classes: z.number().int(),
  source: z
    .string()
    .nullable()
    .meta({ description: 'its public URL, or null for mirror-only test assets' }),
  sha256: z
    .string()
    .nullable()
    .meta({ description: 'SHA-256 of the ONNX file (hex), or null where exported locally' }),
});
export type ModelDescription = z.infer<typeof ModelDescriptionSchema>;

/** What a live worker announces about itself and its model, refreshed every few seconds. */
export const WorkerHeartbeatSchema = z.object({
  worker_id: z.string().meta({ description: '`hostname:pid`: unique across hosts' }),
  pid: z.number().int(),
  hostname: z.string(),
  started_at: z.iso.datetime(),
  model: ModelDescriptionSchema,
});
export type WorkerHeartbeat = z.infer<typeof WorkerHeartbeatSchema>;

/** `GET /models`: each model the live workers have loaded, with how many serve it. */
export const ModelsListSchema = z.object({
  models: z.array(ModelDescriptionSchema.extend({ workers: z.number().int().min(1) })),
});
export type ModelsList = z.infer<typeof ModelsListSchema>;
export type ServedModel = ModelsList['models'][number];

/** Key of one worker's heartbeat; it expires unless refreshed, so a dead worker drops out. */
export function workerHeartbeatKey(queuePrefix: string, workerId: string): string {
  return `${queuePrefix}:${CLASSIFY_QUEUE}:workers:${workerId}`;
}

export const isWorkerHeartbeat = guardOf(WorkerHeartbeatSchema);
