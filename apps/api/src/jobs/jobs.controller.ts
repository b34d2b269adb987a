import { Controller, Get, Param } from '@nestjs/common';
import { componentRef, type JobState } from '@imgcls/contracts';
import { JobsService } from './jobs.service';
import { ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { ApiErrors, ApiKeyProtected } from '../docs/api-docs.decorators';

@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  /** Where a submitted job is: queued, running, succeeded (with its result) or failed. */
  @Get(':id')
  @ApiOperation({ summary: 'Where a submitted job is; its result once it succeeded' })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ schema: componentRef('JobState') })
  @ApiKeyProtected()
  @ApiErrors(404, 503)
  state(@Param('id') id: string): Promise<JobState> {
    return this.jobs.state(id);
  }
}
