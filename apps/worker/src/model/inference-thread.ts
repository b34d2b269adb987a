import { StartupError } from '@imgcls/env';
import type { ModelManifest } from '@imgcls/models';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Classifier, Logits } from './classifier';
import type { SessionOptions } from './onnx-classifier';
import type {
  FromInferenceThread,
  InferenceThreadData,
  ToInferenceThread,
} from './inference-thread.protocol';

interface Pending {
  resolve: (logits: Logits) => void;
  reject: (error: Error) => void;
}

/**
 * The model in its own thread. onnxruntime-node's `run` computes on the calling thread and
 * blocks it; here it blocks only this thread, so the process's event loop keeps decoding the
 * next images, talking to Redis and renewing job locks while a batch runs. Input tensors are
 * transferred, not copied.
 */
export class InferenceThread implements Classifier {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly imageLength: number,
    readonly classes: number,
    /** The most runs it takes as one batch: `maxBatch` as started, or less if the graph says. */
    readonly imagesAtOnce: number,
    private readonly onFailure: (error: Error) => void,
  ) {
    worker.on('message', (message: FromInferenceThread) => this.settle(message));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`the inference thread exited (${code})`)));
  }

  /**
   * `onFailure` hears of a thread that died after it started (not of `release`). The thread's
   * nice value is raised by `niceIncrement`; runs that wait together go as batches of up to
   * `maxBatch` (see PoolOptions).
   */
  static start(
    path: string,
    manifest: ModelManifest,
    options: SessionOptions,
    threadOptions: { niceIncrement: number; maxBatch: number },
    onFailure: (error: Error) => void,
  ): Promise<InferenceThread> {
    const workerData: InferenceThreadData = { path, manifest, options, ...threadOptions };
    const worker = new Worker(join(__dirname, 'inference-thread.worker.js'), { workerData });
    return new Promise((resolve, reject) => {
      worker.once('message', (message: FromInferenceThread) => {
        if (message.type === 'ready') {
          const { imageLength, classes, maxBatch } = message;
          resolve(new InferenceThread(worker, imageLength, classes, maxBatch, onFailure));
        } else
          reject(
            new StartupError(
              message.type === 'failed' ? message.message : 'the inference thread did not start',
            ),
          );
      });
      worker.once('error', (error) => reject(new StartupError(error.message)));
    });
  }

  /** Runs sent and not yet answered. */
  get waiting(): number {
    return this.pending.size;
  }

  run(image: Float32Array): Promise<Logits> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const message: ToInferenceThread = { type: 'run', id, input: image };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(message, [image.buffer as ArrayBuffer]);
    });
  }

  async release(): Promise<void> {
    this.failure ??= new Error('the inference thread was released');
    await this.worker.terminate();
  }

  private settle(message: FromInferenceThread): void {
    if (message.type === 'ready') return;
    const pending = this.pending.get(message.id);
    this.pending.delete(message.id);
    if (message.type === 'result')
      pending?.resolve({ logits: message.logits, batch: message.batch });
    else pending?.reject(new Error(message.message));
  }

  private fail(error: Error): void {
    const unexpected = this.failure === undefined;
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    if (unexpected) this.onFailure(error);
  }
}
