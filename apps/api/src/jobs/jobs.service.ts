import { Inject, Injectable } from '@nestjs/common';
import { ServiceError, type JobState } from '@imgcls/contracts';
import { API_CONFIG, type ApiConfig } from '../config';
import { ClassifyQueue } from '../queue/classify-queue';
import { jobStatus } from '../queue/job-status';
import { isExpired, timedOutInQueue, toJobState } from './job-state';

/** Job ids are v4 UUIDs (122 random bits): unguessable, so the id is the capability. */
const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

@Injectable()
export class JobsService {
  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly queue: ClassifyQueue,
  ) {}

  async state(jobId: string): Promise<JobState> {
    const notFound = new ServiceError('NOT_FOUND', 'no such job; it may have expired');
    if (!JOB_ID.test(jobId)) throw notFound;
    const found = await this.queue.find(jobId);
    const status = found && jobStatus(found.state);
    if (!found || !status) throw notFound;
    if (isExpired(found.job, this.config.resultTtlS, Date.now())) {
      await this.queue.remove(jobId);
      throw notFound;
    }
    return timedOutInQueue(found.job, status, Date.now()) ?? toJobState(found.job, status);
  }
}
