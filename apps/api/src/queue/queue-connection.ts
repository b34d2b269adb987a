import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ServiceError } from '@imgcls/contracts';
import { loggedReconnect, reconnectDelayMs } from '@imgcls/env';
import type { RedisOptions } from 'bullmq';
import IORedis from 'ioredis';
import { API_CONFIG, type ApiConfig } from '../config';
import { queueUnreachable, redisFailure } from './redis-failure';

/** A Redis call that takes longer than this is treated as Redis being away. */
const REDIS_CALL_TIMEOUT_MS = 5_000;
/** At shutdown, how long a BullMQ client still starting may take to finish before it is closed. */
const START_WAIT_MS = 2_000;

/** A BullMQ Queue or QueueEvents, as the connection closes it. */
interface BullClient {
  waitUntilReady(): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * The api's connection to the queue's Redis: the one that reports reconnect attempts, runs
 * the api's own commands with a deadline, answers pings, and closes last, after the BullMQ
 * clients registered with it. Every Redis failure surfaces as UNAVAILABLE (or QUEUE_FULL), at
 * once, never as a hang.
 */
@Injectable()
export class QueueConnection implements OnApplicationShutdown {
  private readonly logger = new Logger(QueueConnection.name);
  /** Commands fail at once while Redis is away (no offline queue). */
  readonly redis: IORedis;
  /** For BullMQ's clients: they back off silently, as this connection reports each attempt. */
  readonly bullmq: RedisOptions;
  private readonly clients: BullClient[] = [];

  constructor(@Inject(API_CONFIG) config: ApiConfig) {
    const failFast = { enableOfflineQueue: false, maxRetriesPerRequest: 1 };
    const warnLine = (line: string) => this.logger.warn(line);
    this.redis = new IORedis(config.redisUrl, {
      ...failFast,
      retryStrategy: loggedReconnect(config.redisUrl, warnLine),
    });
    this.redis.on('error', (error: Error) => this.warn('redis', error));
    this.bullmq = { url: config.redisUrl, retryStrategy: reconnectDelayMs };
  }

  /** Closes `client` before this connection, when the app shuts down. */
  closeFirst(client: BullClient): void {
    this.clients.push(client);
  }

  async ping(): Promise<boolean> {
    return this.call('ping', () => this.redis.ping()).then(
      (answer) => answer === 'PONG',
      () => false,
    );
  }

  /** Runs a Redis operation with a deadline; any failure becomes UNAVAILABLE (or QUEUE_FULL). */
  async call<T>(what: string, operation: () => Promise<T>): Promise<T> {
    // While Redis is away, answer at once: the reconnect lines already say why.
    if (this.redis.status !== 'ready') throw queueUnreachable();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} took over ${REDIS_CALL_TIMEOUT_MS} ms`)),
        REDIS_CALL_TIMEOUT_MS,
      );
    });
    try {
      return await Promise.race([operation(), deadline]);
    } catch (error) {
      if (!(error instanceof ServiceError)) this.warn(what, error);
      throw redisFailure(error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Errors while Redis is away are the outage itself, reported once per reconnect attempt. */
  warn(what: string, error: unknown): void {
    if (this.redis.status !== 'ready') return;
    this.logger.warn(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const redisUp = this.redis.status === 'ready';
    const closing = Promise.allSettled(this.clients.map((client) => close(client, redisUp)));
    // With Redis away there is nothing to close cleanly, and waiting would hang the stop.
    if (redisUp) await closing;
    // Once ended, its socket is closed: disconnect() would wait 2 s for a 'close' that never
    // comes, holding the process (a second app.close(), or Jest after the tests) that long.
    if (this.redis.status !== 'end') this.redis.disconnect();
  }
}

/**
 * Closes a BullMQ client, first letting it finish starting while Redis answers. BullMQ 5.81
 * drops its connection's listeners when closed, so a start-up command that then fails
 * ("Connection is closed") is an 'error' event nobody hears, which crashes the process: a
 * SIGTERM in an api's first few hundred milliseconds did. Bounded, for a Redis that stops
 * answering meanwhile.
 */
async function close(client: BullClient, redisUp: boolean): Promise<void> {
  if (redisUp) {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, START_WAIT_MS)));
    await Promise.race([client.waitUntilReady().catch(() => undefined), bound]);
    clearTimeout(timer);
  }
  await client.close();
}
