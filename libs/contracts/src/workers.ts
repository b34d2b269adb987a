import { CLASSIFY_QUEUE } from './queue';

/** What a live worker announces about itself and its model, refreshed every few seconds. */
export interface WorkerHeartbeat {
  /** `hostname:pid`: unique across hosts sharing one Redis. */
  worker_id: string;
  pid: number;
  hostname: string;
  started_at: string;
  model: ModelDescription;
}

/** A model as `GET /models` lists it. */
export interface ModelDescription {
  name: string;
  description: string;
  /** True for stand-ins that are not trained on ImageNet. */
  test_model: boolean;
  /** Input tensor: name and shape, batch dimension first (`"N"`). */
  input: { name: string; shape: (number | string)[] };
  classes: number;
  /** Where the file comes from: its public URL, or null for mirror-only test assets. */
  source: string | null;
  /** SHA-256 of the ONNX file (hex), or null where it is exported locally. */
  sha256: string | null;
}

/** Key of one worker's heartbeat; it expires unless refreshed, so a dead worker drops out. */
export function workerHeartbeatKey(queuePrefix: string, workerId: string): string {
  return `${queuePrefix}:${CLASSIFY_QUEUE}:workers:${workerId}`;
}

export function isWorkerHeartbeat(value: unknown): value is WorkerHeartbeat {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<WorkerHeartbeat>;
  return typeof v.worker_id === 'string' && typeof v.model?.name === 'string';
}
