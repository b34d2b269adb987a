import { Inject, Injectable } from '@nestjs/common';
import {
  parseWorkerHeartbeat,
  READ_WORKERS_SCRIPT,
  workerRegistryKeys,
  type WorkerHeartbeat,
} from '@imgcls/contracts';
import { API_CONFIG, type ApiConfig } from '../config';
import { QueueConnection } from './queue-connection';

/** Who serves the queue: the workers' heartbeats, as they record them in Redis. */
@Injectable()
export class WorkerRegistry {
  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly connection: QueueConnection,
  ) {}

  /** The workers whose heartbeat has not expired, with the model each has loaded: O(workers). */
  async workers(): Promise<WorkerHeartbeat[]> {
    const { expiries, beats } = workerRegistryKeys(this.config.queuePrefix);
    const values = await this.connection.call('read heartbeats', () =>
      this.connection.redis.eval(READ_WORKERS_SCRIPT, 2, expiries, beats),
    );
    const list = Array.isArray(values) ? values : [];
    return list.flatMap((value) => {
      const beat = typeof value === 'string' ? parseWorkerHeartbeat(value) : undefined;
      return beat ? [beat] : [];
    });
  }
}
