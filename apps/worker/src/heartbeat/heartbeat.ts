import { workerHeartbeatKey, type ModelDescription, type WorkerHeartbeat } from '@imgcls/contracts';
import type IORedis from 'ioredis';
import { hostname } from 'node:os';
import type { Logger } from 'pino';

export interface HeartbeatOptions {
  queuePrefix: string;
  intervalMs: number;
  /** A heartbeat not refreshed within this long is gone: the worker counts as dead. */
  ttlMs: number;
}

/**
 * Tells the api's readiness probe and `GET /models` that this worker is alive with its model
 * loaded: a key with a TTL, refreshed on a timer, deleted on a clean stop.
 */
export class Heartbeat {
  private readonly key: string;
  private readonly beat: WorkerHeartbeat;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: IORedis,
    model: ModelDescription,
    private readonly options: HeartbeatOptions,
    private readonly logger: Logger,
  ) {
    const host = hostname();
    const workerId = `${host}:${process.pid}`;
    this.key = workerHeartbeatKey(options.queuePrefix, workerId);
    this.beat = {
      worker_id: workerId,
      pid: process.pid,
      hostname: host,
      started_at: new Date().toISOString(),
      model,
    };
  }

  async start(): Promise<void> {
    await this.send();
    this.timer = setInterval(() => void this.send(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.del(this.key).catch(() => undefined);
  }

  private async send(): Promise<void> {
    try {
      await this.redis.set(this.key, JSON.stringify(this.beat), 'PX', this.options.ttlMs);
    } catch (error) {
      this.logger.warn({ err: error }, 'heartbeat not sent');
    }
  }
}
