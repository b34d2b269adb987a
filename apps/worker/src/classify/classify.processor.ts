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
import type { WorkerMetrics } from '../metrics/worker-metrics';
import type { Classifier } from '../model/classifier';
import { withinBudget, type JobBudget } from './job-budget';

export type ClassifyJob = Job<ClassifyJobData, ClassifyResult>;

export interface ProcessorDeps {
  redis: IORedis;
  classifier: Classifier;
  labels: LabelSet;
  manifest: ModelManifest;
  maxImagePixels: number;
  /** The CPU budget of one job, as wall time from its start (see job-budget.ts). */
  processingTimeoutMs: number;
  logger: Logger;
  metrics: WorkerMetrics;
}

/**
 * bytes → preprocess → ONNX → softmax → top-k for one job. Bad input fails the job once
 * (UnrecoverableError, never retried); anything else is thrown as is and retried with backoff.
 * The upload's bytes are deleted once the job's outcome is recorded for good.
 */
export class ClassifyProcessor {
  private readonly model: ModelInfo;
  private readonly inHand = new Set<string>();

  constructor(private readonly deps: ProcessorDeps) {
    this.model = { name: deps.manifest.name, test_model: deps.manifest.testModel };
  }

  /** The ids of the jobs being processed right now (what a cut-short stop abandons). */
  jobsInHand(): string[] {
    return [...this.inHand];
  }

  async process(job: ClassifyJob): Promise<ClassifyResult> {
    const startedAtMs = Date.now();
    const id = job.id ?? '';
    this.inHand.add(id);
    try {
      return await withinBudget(this.deps.processingTimeoutMs, (budget) =>
        this.classify(job, startedAtMs, budget),
      );
    } catch (error) {
      const log = this.deps.logger.child({ job_id: job.id, request_id: job.data.requestId });
      if (error instanceof ServiceError) {
        this.deps.metrics.jobDone('refused');
        log.info({ code: error.code }, `job refused: ${error.message}`);
        throw new UnrecoverableError(encodeJobFailure(error.code, error.message));
      }
      this.deps.metrics.jobDone('failed');
      log.warn({ err: error, attempt: job.attemptsMade + 1 }, 'job failed');
      throw error;
    } finally {
      this.inHand.delete(id);
    }
  }

  /**
   * Once BullMQ has recorded the result, the upload can go. Deleting it any earlier would
   * lose it if this process died before the record: the job would rerun without its image.
   * A crash between the record and the delete leaves the bytes to their TTL.
   */
  async completed(job: ClassifyJob, result: ClassifyResult): Promise<void> {
    const { class_id, timings } = result;
    this.deps.metrics.jobDone('succeeded');
    this.deps.metrics.observe(timings);
    this.deps.logger.info(
      { job_id: job.id, request_id: job.data.requestId, class_id, timings },
      'job succeeded',
    );
    await this.deps.redis.del(job.data.imageKey);
  }

  /** A failure ends the job only when it will not be retried; then its upload can go too. */
  async failed(job: ClassifyJob): Promise<void> {
    if ((await job.getState()) === 'failed') await this.deps.redis.del(job.data.imageKey);
  }

  private async classify(
    job: ClassifyJob,
    startedAtMs: number,
    budget: JobBudget,
  ): Promise<ClassifyResult> {
    const { redis, classifier, labels, manifest, maxImagePixels, processingTimeoutMs } = this.deps;
    // Under overload, computing an answer its caller stopped waiting for only makes it worse.
    if (startedAtMs > job.data.deadlineAtMs) {
      throw new ServiceError(
        'TIMEOUT',
        'the job passed its deadline before a worker could start it',
      );
    }
    const image = await redis.getBuffer(job.data.imageKey);
    if (image === null) {
      throw new ServiceError('TIMEOUT', 'the upload expired before a worker could take the job');
    }
    const decodeStartMs = performance.now();
    const input = await preprocessImage(image, manifest.preprocessing, {
      maxInputPixels: maxImagePixels,
      decodeTimeoutS: Math.ceil(processingTimeoutMs / 1000),
    });
    budget.check(); // over budget: its caller has its answer, the model is spared
    const inferStartMs = performance.now();
    const { logits, batch } = await classifier.run(input);
    const inferEndMs = performance.now();
    this.deps.metrics.observeBatch(batch);
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
