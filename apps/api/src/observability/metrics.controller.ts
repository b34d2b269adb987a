import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../security/api-key.guard';
import { ApiMetrics } from './api-metrics';
import { ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';

@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: ApiMetrics) {}

  /** Prometheus text exposition. */
  @Get()
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string' } })
  async scrape(@Res() res: Response): Promise<void> {
    res.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
