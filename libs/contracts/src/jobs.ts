import { z } from 'zod';
import { ErrorDetailSchema } from './errors';
import { ClassifyResponseSchema } from './result';
import { guardOf } from './schema-guard';

/** Where a job is in its life, as `GET /jobs/{id}` reports it. */
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export const JobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatusSchema>;

/** Path of a job's status resource. */
export const jobPath = (jobId: string): string => `/jobs/${jobId}`;

/** The 202 answer to an asynchronous submit (or to a synchronous one that ran out of time). */
export const JobAcceptedSchema = z.object({
  job_id: z.string().meta({ format: 'uuid' }),
  status: JobStatusSchema,
  status_url: z.string().meta({
    description: 'same as the Location header: poll it with GET',
    example: '/jobs/1838b9a8-0b14-432a-ae26-90324a6869bb',
  }),
});
export type JobAccepted = z.infer<typeof JobAcceptedSchema>;

/** `GET /jobs/{id}`. An optional field is absent until it applies, never null. */
export const JobStateSchema = z.object({
  job_id: z.string().meta({ format: 'uuid' }),
  status: JobStatusSchema,
  result: ClassifyResponseSchema.optional().meta({ description: 'once the job succeeded' }),
  error: ErrorDetailSchema.optional().meta({ description: 'once the job failed for good' }),
  created_at: z.iso.datetime(),
  finished_at: z.iso.datetime().optional(),
});
export type JobState = z.infer<typeof JobStateSchema>;

export const isJobStatus = guardOf(JobStatusSchema);
export const isJobAccepted = guardOf(JobAcceptedSchema);
export const isJobState = guardOf(JobStateSchema);
