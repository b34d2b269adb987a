import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { CLASSIFY_QUEUE, imageKey, ServiceError } from '@imgcls/contracts';
import IORedis, { type ChainableCommander } from 'ioredis';
import { reconnectDelayMs } from '@imgcls/env';
import { randomUUID } from 'node:crypto';
import { API_CONFIG, type ApiConfig } from '../config';
import { ClassifyQueue } from '../queue/classify-queue';
import { WorkerRegistry } from '../queue/worker-registry';
import { redisFailure } from '../queue/redis-failure';
import { refusal } from './admission-refusal';
import { HAND_OVER_SCRIPT, RELEASE_SCRIPT, RESERVE_SCRIPT } from './admission-scripts';
import { completionsWithinBudget } from './queue-wait';
import { WorkerCapacity } from './worker-capacity';

/** One upload's place in the queue, taken before its body is read. */
export interface AdmissionTicket {
  /** Also the job's id, so the place is given back when the job ends. */
  readonly id: string;
  /**
   * The upload becomes a queued job: its bytes are stored (binary-safe, IMAGE_TTL_S) and its
   * place kept, with its real size, until the job ends, in one round trip. Resolves with the
   * key the job names; any failure is thrown. Call it before adding the job, and `withdraw` if
   * the add fails.
   */
  handOver(image: Buffer): Promise<string>;
  /** The job could not be queued after all: gives the place back. */
  withdraw(): Promise<void>;
  /** Gives the place back unless it was handed over; call it on every path. */
  settle(): Promise<void>;
}

type LedgerRedis = IORedis & {
  admissionReserve(
    ...args: (string | number)[]
  ): Promise<[number, string?, number?, number?, number?]>;
  admissionHandOver(...args: (string | number)[]): Promise<number>;
  admissionRelease(...args: (string | number)[]): Promise<number>;
};
type LedgerPipeline = ChainableCommander & {
  admissionHandOver(...args: (string | number)[]): LedgerPipeline;
};

/**
 * Admission control: bounds uploads arriving at this process (MAX_INFLIGHT_UPLOADS, their
 * bodies are in memory) and, across every api process, waiting jobs plus arriving uploads
 * (MAX_QUEUE_DEPTH) and their bytes in Redis (MAX_QUEUED_BYTES), and the wait a new job can
 * expect from the workers' recent rate (MAX_QUEUE_WAIT_MS). Places are reserved in one Redis
 * script before a body is read, so concurrent requests cannot all take the last one.
 */
@Injectable()
export class AdmissionService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(AdmissionService.name);
  private readonly redis: LedgerRedis;
  private readonly keys: string[];
  private readonly capacity: WorkerCapacity;
  private inflightUploads = 0;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    queue: ClassifyQueue,
    registry: WorkerRegistry,
  ) {
    // Backs off silently: the queue's connection reports each reconnect attempt, once.
    this.redis = new IORedis(config.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: reconnectDelayMs,
    }) as LedgerRedis;
    this.redis.on('error', (error: Error) => {
      if (this.redis.status === 'ready') this.logger.warn(`redis: ${error.message}`);
    });
    this.redis.defineCommand('admissionReserve', { numberOfKeys: 8, lua: RESERVE_SCRIPT });
    this.redis.defineCommand('admissionHandOver', { numberOfKeys: 4, lua: HAND_OVER_SCRIPT });
    this.redis.defineCommand('admissionRelease', { numberOfKeys: 4, lua: RELEASE_SCRIPT });
    const ledger = `${config.queuePrefix}:admission`;
    const bull = `${config.queuePrefix}:${CLASSIFY_QUEUE}`;
    this.keys = [`${ledger}:pending`, `${ledger}:queued`, `${ledger}:bytes`, `${ledger}:total`];
    this.keys.push(`${bull}:wait`, `${bull}:prioritized`, `${bull}:delayed`, `${bull}:active`);
    queue.onJobEnded((jobId) => void this.release(jobId));
    this.capacity = new WorkerCapacity(() => registry.workers());
  }

  /**
   * Takes a place for an upload of at most `declaredBytes` (its Content-Length; unknown for a
   * chunked body, which reserves MAX_UPLOAD_BYTES), or refuses at once with QUEUE_FULL. The same
   * for synchronous and async requests: both are jobs that wait in the one queue.
   */
  async reserve(declaredBytes: number | undefined): Promise<AdmissionTicket> {
    if (this.inflightUploads >= this.config.maxInflightUploads) {
      throw full(`${this.inflightUploads} uploads are already arriving at this server`);
    }
    const bytes = Math.min(declaredBytes ?? Infinity, this.config.maxUploadBytes);
    const id = randomUUID();
    const now = Date.now();
    const expiresAtMs = now + this.config.requestTimeoutMs + this.config.syncTimeoutMs;
    const capacity = this.capacity.current();
    const allowed = completionsWithinBudget(capacity, this.config.maxQueueWaitMs) ?? -1;
    const limits = [...this.limits(), capacity.sessions, allowed];
    const [admitted, limit, depth, queued, active] = await this.ledger(() =>
      this.redis.admissionReserve(...this.keys, id, bytes, expiresAtMs, now, ...limits),
    );
    if (admitted !== 1) {
      const counts = { depth: depth ?? 0, queued: queued ?? 0, active: active ?? 0 };
      const { why, retryAfterS } = refusal(limit, counts, capacity, this.config);
      throw full(why, retryAfterS);
    }
    this.inflightUploads += 1;
    return this.ticket(id);
  }

  /** Commands fail at once while Redis is away, so the first ones wait for the connection. */
  async onModuleInit(): Promise<void> {
    await this.connected();
    await this.capacity.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.capacity.stop();
    await this.redis.quit().catch(() => undefined);
  }

  private async connected(): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CONNECT_WAIT_MS);
      this.redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private limits(): number[] {
    return [this.config.maxQueueDepth, this.config.maxQueuedBytes];
  }

  private ticket(id: string): AdmissionTicket {
    let arriving = true;
    const arrived = () => {
      if (arriving) this.inflightUploads -= 1;
      arriving = false;
    };
    let handedOver = false;
    return {
      id,
      handOver: async (image) => {
        arrived();
        const key = await this.storeAndHandOver(id, image);
        handedOver = true; // only now: a hand-over that failed leaves the place to `settle`
        return key;
      },
      withdraw: () => this.release(id),
      settle: async () => {
        arrived();
        if (!handedOver) await this.release(id);
      },
    };
  }

  /**
   * The upload's SET and the place's hand-over, pipelined: one round trip, in that order on one
   * connection. Measured against the same SET inside the hand-over script (one round trip too),
   * the pipeline costs Redis half the CPU: a script copies a 110 KB argument into Lua and back.
   */
  private async storeAndHandOver(id: string, image: Buffer): Promise<string> {
    const key = imageKey(this.config.queuePrefix, id);
    // The place is kept until the job ends, or its upload expires from Redis at the latest.
    const expiresAtMs = Date.now() + this.config.imageTtlS * 1000;
    const pipeline = this.redis.pipeline() as LedgerPipeline;
    pipeline.set(key, image, 'EX', this.config.imageTtlS);
    pipeline.admissionHandOver(...this.keys.slice(0, 4), id, image.length, expiresAtMs);
    await this.ledger(async () => {
      const replies = await pipeline.exec();
      const failed = replies?.find(([error]) => error !== null);
      // Nothing is queued yet: the request fails, and `settle` gives the place back.
      if (replies === null || failed) throw failed?.[0] ?? new Error('the pipeline was discarded');
    });
    return key;
  }

  private async release(id: string): Promise<void> {
    // A place not given back (Redis away) expires by itself.
    await this.redis.admissionRelease(...this.keys.slice(0, 4), id).catch((error: Error) => {
      this.logger.warn(`admission release: ${error.message}`);
    });
  }

  private async ledger<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      this.logger.warn(`admission: ${error instanceof Error ? error.message : String(error)}`);
      throw redisFailure(error);
    }
  }
}

/** Past this, boot goes on: requests get UNAVAILABLE until Redis answers. */
const CONNECT_WAIT_MS = 5_000;

const full = (why: string, retryAfterS?: number) =>
  new ServiceError('QUEUE_FULL', `${why}; retry shortly`, retryAfterS);
