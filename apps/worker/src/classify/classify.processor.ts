import {
  encodeJobFailure,
  ServiceError,
  type ClassifyJobData,
  type ClassifyResult,
  type ModelInfo,
} from '@imgcls/contracts';
import { rankClasses, type LabelSet } from '@imgcls/labels';
import type { ModelManifest } from '@imgcls/models';
import { preprocessImage } from '@imgcls/preprocessing';
import { UnrecoverableError, type Job } from 'bullmq';
import type IORedis from 'ioredis';
import type { Logger } from 'pino';
import type { OnnxClassifier } from '../model/onnx-classifier';

export type ClassifyJob = Job<ClassifyJobData, ClassifyResult>;

export interface ProcessorDeps {
  redis: IORedis;
  classifier: OnnxClassifier;
  labels: LabelSet;
  manifest: ModelManifest;
  maxImagePixels: number;
  logger: Logger;
}

/**
 * bytes → preprocess → ONNX → softmax → top-k for one job. Bad input fails the job once
 * (UnrecoverableError, never retried); anything else is thrown as is and retried with backoff.
 * The upload's bytes are deleted as soon as the job can no longer be retried.
 */
export class ClassifyProcessor {
  private readonly model: ModelInfo;

  constructor(private readonly deps: ProcessorDeps) {
    this.model = { name: deps.manifest.name, test_model: deps.manifest.testModel };
  }

  async process(job: ClassifyJob): Promise<ClassifyResult> {
    const startedAtMs = Date.now();
    const { redis, logger } = this.deps;
    const log = logger.child({ job_id: job.id, request_id: job.data.requestId });
    try {
      const result = await this.classify(job, startedAtMs);
      await redis.del(job.data.imageKey);
      return result;
    } catch (error) {
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (error instanceof ServiceError || lastAttempt) {
        await redis.del(job.data.imageKey).catch(() => undefined);
      }
      if (error instanceof ServiceError) {
        log.info({ code: error.code }, `job refused: ${error.message}`);
        throw new UnrecoverableError(encodeJobFailure(error.code, error.message));
      }
      log.warn({ err: error, attempt: job.attemptsMade + 1 }, 'job failed');
      throw error;
    }
  }

  private async classify(job: ClassifyJob, startedAtMs: number): Promise<ClassifyResult> {
    const { redis, classifier, labels, manifest, maxImagePixels } = this.deps;
    const image = await redis.getBuffer(job.data.imageKey);
    if (image === null) {
      throw new ServiceError('TIMEOUT', 'the upload expired before a worker could take the job');
    }
    const decodeStartMs = performance.now();
    const input = await preprocessImage(image, manifest.preprocessing, {
      maxInputPixels: maxImagePixels,
    });
    const inferStartMs = performance.now();
    const logits = await classifier.run(input, 1);
    const inferEndMs = performance.now();
    const [top, ...rest] = rankClasses(
      { data: logits, offset: 0, length: classifier.classes },
      labels,
      job.data.topK,
    );
    if (top === undefined) throw new Error('ranking returned no class');
    return {
      ...top,
      top_k: [top, ...rest],
      model: this.model,
      timings: {
        queue_wait_ms: Math.max(0, startedAtMs - job.data.submittedAtMs),
        preprocess_ms: round(inferStartMs - decodeStartMs),
        inference_ms: round(inferEndMs - inferStartMs),
      },
    };
  }
}

const round = (ms: number): number => Math.round(ms * 100) / 100;
