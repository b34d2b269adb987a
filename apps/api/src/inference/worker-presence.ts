import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ServiceError } from '@imgcls/contracts';
import { API_CONFIG, type ApiConfig } from '../config';
import { WorkerRegistry } from '../queue/worker-registry';

/** A count of live workers this recent is good enough for admission (while there are some). */
const FRESH_MS = 1_000;
/** While no worker is alive, the log says so this often. */
const WARN_EVERY_MS = 60_000;
/**
 * The first look comes this long after boot: `npm start` starts a worker beside the api, and
 * one loading its model is not missing; an api that fails to listen exits before it.
 */
const FIRST_LOOK_MS = 10_000;

/**
 * Refuses synchronous requests at once while no worker serves the queue, instead of letting
 * them wait for a job nobody will take; and says so in the log once a minute. Kept apart from
 * the queue-depth admission so that each can change on its own.
 */
@Injectable()
export class WorkerPresence implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerPresence.name);
  private checkedAtMs = -Infinity;
  private workers = 0;
  private warnedAtMs = -Infinity;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly registry: WorkerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const check = () => void this.liveWorkers().catch(() => undefined);
    this.timer = setTimeout(() => {
      check();
      this.timer = setInterval(check, WARN_EVERY_MS).unref();
    }, FIRST_LOOK_MS).unref();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
    clearInterval(this.timer);
  }

  /** Throws UNAVAILABLE, naming the fix, when no live worker would take the job. */
  async requireWorker(): Promise<void> {
    if ((await this.liveWorkers()) > 0) return;
    throw new ServiceError(
      'UNAVAILABLE',
      `no worker is running for this queue (QUEUE_PREFIX=${this.config.queuePrefix}), so nothing ` +
        'would classify the image: start one with `npm run start:worker` (same REDIS_URL and ' +
        'QUEUE_PREFIX), or send the request with ?mode=async to queue it anyway',
    );
  }

  private async liveWorkers(): Promise<number> {
    const now = Date.now();
    // Only a positive count is reused: a worker that just started is seen at once.
    if (this.workers > 0 && now - this.checkedAtMs < FRESH_MS) return this.workers;
    this.workers = (await this.registry.workers()).length;
    this.checkedAtMs = now;
    if (this.workers === 0 && now - this.warnedAtMs >= WARN_EVERY_MS) {
      this.warnedAtMs = now;
      this.logger.warn(
        `no worker is alive on QUEUE_PREFIX=${this.config.queuePrefix}: synchronous requests ` +
          'get 503 until one starts (npm run start:worker)',
      );
    }
    return this.workers;
  }
}
