import { Controller, Get, Param } from '@nestjs/common';
import type { JobState } from '@imgcls/contracts';
import { JobsService } from './jobs.service';

@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  /** Where a submitted job is: queued, running, succeeded (with its result) or failed. */
  @Get(':id')
  state(@Param('id') id: string): Promise<JobState> {
    return this.jobs.state(id);
  }
}
