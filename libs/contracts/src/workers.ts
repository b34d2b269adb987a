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
  sha256: z.string().nullable().meta({ description: 'SHA-256 of the ONNX file (hex)' }),
});
export type ModelDescription = z.infer<typeof ModelDescriptionSchema>;

/** What a live worker announces about itself and its model, refreshed every few seconds. */
export const WorkerHeartbeatSchema = z.object({
  worker_id: z.string().meta({ description: '`hostname:pid`: unique across hosts' }),
  pid: z.number().int(),
  hostname: z.string(),
  started_at: z.iso.datetime(),
  model: ModelDescriptionSchema,
  // Optional: a worker of an earlier release omits them and still counts as alive; the api's
  // latency-budget admission then has no rate from it, or counts all its slots as running
  // (apps/api/src/admission/queue-wait.ts).
  concurrency: z
    .number()
    .int()
    .min(1)
    .optional()
    .meta({ description: 'jobs this worker holds at once (WORKER_CONCURRENCY)' }),
  sessions: z
    .number()
    .int()
    .min(1)
    .optional()
    .meta({
      description:
        'jobs it runs through its model at once (INFERENCE_THREADS × MAX_BATCH_SIZE, less where ' +
        "the model's graph fixes its batch size, at most its slots); " +
        'the jobs in its other slots are being decoded or wait for a session',
    }),
  recent_job_ms: z
    .number()
    .positive()
    .nullable()
    .optional()
    .meta({
      description:
        'mean time one of its recent jobs held a slot (its last jobs within a few seconds); ' +
        'null when it finished none lately',
    }),
});
export type WorkerHeartbeat = z.infer<typeof WorkerHeartbeatSchema>;

/** `GET /models`: each model the live workers have loaded, with how many serve it. */
export const ModelsListSchema = z.object({
  models: z.array(ModelDescriptionSchema.extend({ workers: z.number().int().min(1) })),
});
export type ModelsList = z.infer<typeof ModelsListSchema>;
export type ServedModel = ModelsList['models'][number];

/**
 * Where a queue's workers announce themselves: a hash of heartbeats by worker id, and a
 * sorted set of the same ids scored by the time (Redis's clock, ms) each one expires. Reading
 * the live ones costs O(workers), never a scan of the keyspace.
 */
export function workerRegistryKeys(queuePrefix: string): { expiries: string; beats: string } {
  const base = `${queuePrefix}:${CLASSIFY_QUEUE}:workers`;
  return { expiries: `${base}:expiries`, beats: `${base}:beats` };
}

// Both scripts take KEYS = [expiries, beats] and read the time from Redis, so hosts whose
// clocks disagree still agree on who is alive. Expired workers are removed as they are read.
const DROP_EXPIRED = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
for _, id in ipairs(gone) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
end
`;

/** Returns the live heartbeats (JSON strings). */
export const READ_WORKERS_SCRIPT = `${DROP_EXPIRED}
return redis.call('HVALS', KEYS[2])`;

/**
 * ARGV = [worker id, ttl ms, heartbeat JSON, model key]. Records the heartbeat unless a live
 * worker of another model is on the queue; then records nothing and returns that worker's
 * heartbeat, so that one queue never serves two models.
 */
export const RECORD_HEARTBEAT_SCRIPT = `${DROP_EXPIRED}
for _, beat in ipairs(redis.call('HVALS', KEYS[2])) do
  local other = cjson.decode(beat)
  local sha = other.model.sha256
  if type(sha) ~= 'string' then sha = '' end
  local key = tostring(other.model.name) .. '@' .. sha
  if other.worker_id ~= ARGV[1] and key ~= ARGV[4] then return beat end
end
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
-- Once every worker is gone, so are the keys.
redis.call('PEXPIRE', KEYS[1], ttl * 2)
redis.call('PEXPIRE', KEYS[2], ttl * 2)
return false`;

/** The identity that must match across one queue's workers: name and SHA-256. */
export function modelKey(model: Pick<ModelDescription, 'name' | 'sha256'>): string {
  return `${model.name}@${model.sha256 ?? ''}`;
}

export const isWorkerHeartbeat = guardOf(WorkerHeartbeatSchema);

/** Parses one stored heartbeat; anything malformed is skipped, never thrown. */
export function parseWorkerHeartbeat(json: string): WorkerHeartbeat | undefined {
  try {
    const parsed = JSON.parse(json) as unknown;
    return isWorkerHeartbeat(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
