import { Controller, Get, HttpCode } from '@nestjs/common';
import { componentRef, type Liveness, type Readiness } from '@imgcls/contracts';
import { Public } from '../security/api-key.guard';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiErrors } from '../docs/api-docs.decorators';
import { HealthService } from './health.service';

/**
 * Kubernetes-style probes. Liveness never touches Redis. Readiness needs Redis and at least
 * one worker whose heartbeat (sent with its model loaded) has not expired.
 */
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

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
  ready(): Promise<Readiness> {
    return this.health.readiness();
  }
}
