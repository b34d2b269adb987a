import { Inject, Injectable } from '@nestjs/common';
import { ServiceError, type ClassifyResponse, type JobAccepted } from '@imgcls/contracts';
import { checkImageHeader, type ImageLimits } from '@imgcls/image-probe';
import type { AdmissionTicket } from '../admission/admission.service';
import { API_CONFIG, type ApiConfig } from '../config';
import { ClassifyQueue } from '../queue/classify-queue';
import { JobWaiter } from '../queue/job-waiter';
import { jobAccepted, jobStatus } from '../queue/job-status';
import { enqueueUpload } from './enqueue-upload';

export interface ClassifyOptions {
  /** The checked `top_k` query parameter, if any. */
  topK: number | undefined;
  requestId: string;
  /** Wait for the result (synchronous) or answer as soon as the job is queued. */
  wait: boolean;
  /** The upload's place in the queue; its id becomes the job's. */
  ticket: AdmissionTicket;
}

/** Either the result, or a job still under way that the caller polls. */
export type ClassifyOutcome =
  { kind: 'done'; response: ClassifyResponse } | { kind: 'accepted'; accepted: JobAccepted };

/** Checks an upload from its header alone, enqueues it and, if asked, waits for the answer. */
@Injectable()
export class InferenceService {
  private readonly limits: ImageLimits;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly queue: ClassifyQueue,
    private readonly waiter: JobWaiter,
  ) {
    this.limits = {
      maxPixels: config.maxImagePixels,
      maxSidePx: config.maxImageSidePx,
      maxAspectRatio: config.maxAspectRatio,
    };
  }

  async classify(image: Buffer, options: ClassifyOptions): Promise<ClassifyOutcome> {
    const topK = options.topK ?? this.config.defaultTopK;
    this.checkImage(image);
    const jobId = options.ticket.id;
    const now = Date.now();
    const data = {
      requestId: options.requestId,
      topK,
      submittedAtMs: now,
      deadlineAtMs: now + this.config.jobDeadlineMs,
    };
    const watchFor = options.wait ? (id: string) => this.waiter.watch(id) : () => undefined;
    const { job, watch } = await enqueueUpload(this.queue, options.ticket, image, data, watchFor);
    if (watch === undefined) return { kind: 'accepted', accepted: jobAccepted(jobId, 'queued') };
    const waited = await watch.outcome(job, this.config.syncTimeoutMs);
    if ('result' in waited) return { kind: 'done', response: { job_id: jobId, ...waited.result } };
    // Out of time: the job goes on, and the caller gets where to poll for it.
    const status = jobStatus(waited.pendingState) ?? 'queued';
    return { kind: 'accepted', accepted: jobAccepted(jobId, status) };
  }

  /** Junk never reaches a worker: the format and the declared size are checked here. */
  private checkImage(image: Buffer): void {
    if (image.length === 0) throw new ServiceError('INVALID_REQUEST', 'the upload is empty');
    checkImageHeader(image, this.limits);
  }
}
