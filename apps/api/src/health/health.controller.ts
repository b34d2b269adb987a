import { Controller, Get, HttpCode } from '@nestjs/common';
import { componentRef, ServiceError, type Liveness, type Readiness } from '@imgcls/contracts';
import { ClassifyQueue } from '../queue/classify-queue';
import { Public } from '../security/api-key.guard';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiErrors } from '../docs/api-docs.decorators';

/**
 * Kubernetes-style probes. Liveness never touches Redis. Readiness needs Redis and at least
 * one worker whose heartbeat (sent with its model loaded) has not expired.
 */
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly queue: ClassifyQueue) {}

  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process is up' })
  @ApiOkResponse({ schema: componentRef('Liveness') })
  live(): Liveness {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: Redis is reachable and a worker with its model is alive' })
  @ApiOkResponse({ schema: componentRef('Readiness') })
  @ApiErrors(503)
  async ready(): Promise<Readiness> {
    if (!(await this.queue.ping())) {
      throw new ServiceError('UNAVAILABLE', 'not ready: redis is unreachable');
    }
    const workers = await this.queue.workers();
    if (workers.length === 0) {
      throw new ServiceError('UNAVAILABLE', 'not ready: no worker with a loaded model is alive');
    }
    return { status: 'ok', redis: true, workers: workers.length };
  }
}
