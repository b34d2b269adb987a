import { Injectable } from '@nestjs/common';
import { ServiceError, type Readiness } from '@imgcls/contracts';
import { QueueConnection } from '../queue/queue-connection';
import { WorkerRegistry } from '../queue/worker-registry';

/** Readiness needs Redis and at least one worker whose heartbeat (model loaded) is alive. */
@Injectable()
export class HealthService {
  constructor(
    private readonly connection: QueueConnection,
    private readonly registry: WorkerRegistry,
  ) {}

  async readiness(): Promise<Readiness> {
    if (!(await this.connection.ping())) {
      throw new ServiceError('UNAVAILABLE', 'not ready: redis is unreachable');
    }
    const workers = await this.registry.workers();
    if (workers.length === 0) {
      throw new ServiceError('UNAVAILABLE', 'not ready: no worker with a loaded model is alive');
    }
    return { status: 'ok', redis: true, workers: workers.length };
  }
}
