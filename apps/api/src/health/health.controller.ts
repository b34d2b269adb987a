import { Controller, Get, HttpCode, ServiceUnavailableException } from '@nestjs/common';
import { ClassifyQueue } from '../queue/classify-queue';
import { Public } from '../security/api-key.guard';

/** Kubernetes-style probes: liveness never touches Redis, readiness does. */
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly queue: ClassifyQueue) {}

  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(): Promise<{ status: 'ok'; redis: true }> {
    if (!(await this.queue.ping())) {
      throw new ServiceUnavailableException('redis is unreachable');
    }
    return { status: 'ok', redis: true };
  }
}
