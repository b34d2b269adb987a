import type { JobTimings } from '@imgcls/contracts';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** How a job ended in this worker: done, refused for its input, or failed for a retry. */
export type JobOutcome = 'succeeded' | 'refused' | 'failed';

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** This worker's Prometheus metrics, in the conventions' units (`_seconds`, `_total`). */
export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly queueWait = this.histogram(
    'imgcls_worker_queue_wait_seconds',
    'Time from submission to a worker starting the job',
  );
  private readonly preprocess = this.histogram(
    'imgcls_worker_preprocess_seconds',
    'Decode, resize and normalise time per image',
  );
  private readonly inference = this.histogram(
    'imgcls_worker_inference_seconds',
    "ONNX Runtime time per image: its whole batch's run",
  );
  private readonly batchSize = new Histogram({
    name: 'imgcls_worker_batch_size',
    help: 'Images in the ONNX Runtime run of each image (2: it ran with one other)',
    buckets: [1, 2, 4, 8, 16, 32],
    registers: [this.registry],
  });
  private readonly jobs = new Counter({
    name: 'imgcls_worker_jobs_total',
    help: 'Jobs handled by this worker, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'imgcls_worker_' });
    for (const outcome of ['succeeded', 'refused', 'failed'] as const)
      this.jobs.inc({ outcome }, 0);
  }

  jobDone(outcome: JobOutcome): void {
    this.jobs.inc({ outcome });
  }

  /** One finished job's timings. */
  observe(timings: JobTimings): void {
    this.queueWait.observe(timings.queue_wait_ms / 1000);
    this.preprocess.observe(timings.preprocess_ms / 1000);
    this.inference.observe(timings.inference_ms / 1000);
  }

  /** One image's run: `batch` images, this one included, shared it. */
  observeBatch(batch: number): void {
    this.batchSize.observe(batch);
  }

  private histogram(name: string, help: string): Histogram {
    return new Histogram({ name, help, buckets: SECONDS, registers: [this.registry] });
  }
}
