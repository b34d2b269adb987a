import { Inject, Injectable } from '@nestjs/common';
import { ServiceError, type ClassifyResponse } from '@imgcls/contracts';
import {
  checkImageSize,
  describeRefusedFormat,
  FORMAT_NAMES,
  readImageSize,
  sniffFormat,
  type ImageLimits,
} from '@imgcls/image-probe';
import { randomUUID } from 'node:crypto';
import { API_CONFIG, type ApiConfig } from '../config';
import { ClassifyQueue } from '../queue/classify-queue';

const ALLOWED = Object.values(FORMAT_NAMES).join(', ');
const MAX_TOP_K = 20;

export interface ClassifyOptions {
  /** The `top_k` query parameter as sent, if any. */
  topK: string | undefined;
  requestId: string;
}

/** Checks an upload from its header alone, enqueues it and waits for the worker's answer. */
@Injectable()
export class InferenceService {
  private readonly limits: ImageLimits;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly queue: ClassifyQueue,
  ) {
    this.limits = {
      maxPixels: config.maxImagePixels,
      maxSidePx: config.maxImageSidePx,
      maxAspectRatio: config.maxAspectRatio,
    };
  }

  async classify(image: Buffer, options: ClassifyOptions): Promise<ClassifyResponse> {
    const topK = this.parseTopK(options.topK);
    this.checkImage(image);
    const jobId = randomUUID();
    const job = await this.queue.submit(jobId, image, {
      requestId: options.requestId,
      topK,
      submittedAtMs: Date.now(),
    });
    const result = await this.queue.result(job, this.config.syncTimeoutMs);
    return { job_id: jobId, ...result };
  }

  private parseTopK(value: string | undefined): number {
    if (value === undefined) return this.config.defaultTopK;
    const k = Number(value);
    if (!/^\d+$/.test(value) || k < 1 || k > MAX_TOP_K) {
      throw new ServiceError(
        'INVALID_REQUEST',
        `top_k must be a whole number from 1 to ${MAX_TOP_K}; got "${value}"`,
      );
    }
    return k;
  }

  /** Junk never reaches a worker: the format and the declared size are checked here. */
  private checkImage(image: Buffer): void {
    if (image.length === 0) throw new ServiceError('INVALID_REQUEST', 'the upload is empty');
    const format = sniffFormat(image);
    if (format === undefined) {
      const refused = describeRefusedFormat(image);
      const what = refused ? `the upload is ${refused}` : 'the upload is not a recognised image';
      throw new ServiceError('UNSUPPORTED_FORMAT', `${what}; allowed formats are ${ALLOWED}`);
    }
    const size = readImageSize(image, format);
    if (size === undefined) {
      throw new ServiceError(
        'INVALID_IMAGE',
        `the ${FORMAT_NAMES[format]} header is incomplete or malformed`,
      );
    }
    const refusal = checkImageSize(size, this.limits);
    if (refusal) throw refusal;
  }
}
