import {
  modelKey,
  parseWorkerHeartbeat,
  RECORD_HEARTBEAT_SCRIPT,
  workerRegistryKeys,
  type ModelDescription,
  type WorkerHeartbeat,
} from '@imgcls/contracts';
import { StartupError } from '@imgcls/env';
import type IORedis from 'ioredis';
import { hostname } from 'node:os';
import type { Logger } from 'pino';

export interface HeartbeatOptions {
  queuePrefix: string;
  intervalMs: number;
  /** A heartbeat not refreshed within this long is gone: the worker counts as dead. */
  ttlMs: number;
  /** Defaults to `hostname:pid`, unique across hosts sharing one Redis. */
  workerId?: string;
  /** Read at each beat: the worker's slots and recent job time, for the api's admission. */
  load?: () => Pick<WorkerHeartbeat, 'concurrency' | 'sessions' | 'recent_job_ms'>;
}

/**
 * Tells the api's readiness probe, its admission and `GET /models` that this worker is alive
 * with its model loaded, and how fast it has been working lately: an entry in the queue's
 * worker registry, refreshed on a timer and removed on a clean stop. The registry also keeps
 * one queue to one model: a worker whose model differs from the live workers' is refused
 * (see RECORD_HEARTBEAT_SCRIPT).
 */
export class Heartbeat {
  private readonly keys: { expiries: string; beats: string };
  private readonly beat: WorkerHeartbeat;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: IORedis,
    model: ModelDescription,
    private readonly options: HeartbeatOptions,
    private readonly logger: Logger,
  ) {
    const host = hostname();
    this.keys = workerRegistryKeys(options.queuePrefix);
    this.beat = {
      worker_id: options.workerId ?? `${host}:${process.pid}`,
      pid: process.pid,
      hostname: host,
      started_at: new Date().toISOString(),
      model,
    };
  }

  /**
   * Registers the worker, or throws a StartupError when the queue already serves another
   * model. `onConflict` hears of one found later (say, after Redis lost its data).
   */
  async start(onConflict: (error: StartupError) => void): Promise<void> {
    const conflict = await this.record();
    if (conflict) throw conflict;
    this.timer = setInterval(() => {
      this.record().then(
        (later) => later && onConflict(later),
        (error: unknown) => this.logger.debug({ err: error }, 'heartbeat not sent'),
      );
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    const { expiries, beats } = this.keys;
    const id = this.beat.worker_id;
    await this.redis.multi().zrem(expiries, id).hdel(beats, id).exec();
  }

  private async record(): Promise<StartupError | undefined> {
    const other = await this.redis.eval(
      RECORD_HEARTBEAT_SCRIPT,
      2,
      this.keys.expiries,
      this.keys.beats,
      this.beat.worker_id,
      this.options.ttlMs,
      JSON.stringify({ ...this.beat, ...this.options.load?.() }),
      modelKey(this.beat.model),
    );
    if (typeof other !== 'string') return undefined;
    return modelConflict(this.beat, parseWorkerHeartbeat(other), this.options.queuePrefix);
  }
}

function modelConflict(
  mine: WorkerHeartbeat,
  other: WorkerHeartbeat | undefined,
  queuePrefix: string,
): StartupError {
  const theirs = other ? describe(other.model) : 'another model';
  return new StartupError(
    `QUEUE_PREFIX=${queuePrefix} is already served by ${theirs} (worker ${other?.worker_id ?? '?'}); ` +
      `this worker loaded ${describe(mine.model)}. One queue serves one model: start this worker ` +
      `with MODEL=${other?.model.name ?? '<that model>'}, or give it its own QUEUE_PREFIX ` +
      `(e.g. QUEUE_PREFIX=imgcls-${mine.model.name}) with an api of its own.`,
  );
}

function describe(model: ModelDescription): string {
  return `model ${model.name} (sha256 ${(model.sha256 ?? 'unknown').slice(0, 12)}…)`;
}
