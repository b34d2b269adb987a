import { StartupError } from '@imgcls/env';
import type { ModelManifest } from '@imgcls/models';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Classifier, FillInput } from './classifier';
import { allocateSlot, slotViews, type SlotViews } from './inference-slot';
import type { SessionOptions } from './onnx-classifier';
import type {
  FromInferenceThread,
  InferenceThreadData,
  ToInferenceThread,
} from './inference-thread.protocol';

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
}

interface Slot extends SlotViews {
  index: number;
}

/**
 * The model in its own thread. onnxruntime-node's `run` computes on the calling thread and
 * blocks it; here it blocks only this thread, so the process's event loop keeps decoding the
 * next images, talking to Redis and renewing job locks while a batch runs. Images and logits
 * go through slots of memory shared with the thread, each reused run after run, so no buffer
 * is allocated or transferred per image (a transferred one is a new allocation for the
 * thread that receives it).
 */
export class InferenceThread implements Classifier {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;
  /** Slots not lent out; as many exist as runs were ever in progress at once. */
  private readonly idleSlots: Slot[] = [];
  private slotCount = 0;

  private constructor(
    private readonly worker: Worker,
    readonly imageLength: number,
    readonly classes: number,
    private readonly onFailure: (error: Error) => void,
  ) {
    worker.on('message', (message: FromInferenceThread) => this.settle(message));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`the inference thread exited (${code})`)));
  }

  /** `onFailure` hears of a thread that died after it started (not of `release`). */
  static start(
    path: string,
    manifest: ModelManifest,
    options: SessionOptions,
    onFailure: (error: Error) => void,
  ): Promise<InferenceThread> {
    const workerData: InferenceThreadData = { path, manifest, options };
    const worker = new Worker(join(__dirname, 'inference-thread.worker.js'), { workerData });
    return new Promise((resolve, reject) => {
      worker.once('message', (message: FromInferenceThread) => {
        if (message.type === 'ready')
          resolve(new InferenceThread(worker, message.imageLength, message.classes, onFailure));
        else
          reject(
            new StartupError(
              message.type === 'failed' ? message.message : 'the inference thread did not start',
            ),
          );
      });
      worker.once('error', (error) => reject(new StartupError(error.message)));
    });
  }

  /** Runs lent a slot and not yet answered, those still filling it included. */
  get waiting(): number {
    return this.slotCount - this.idleSlots.length;
  }

  async run(fill: FillInput): Promise<Float32Array> {
    if (this.failure) throw this.failure;
    const slot = this.idleSlots.pop() ?? this.newSlot();
    try {
      await fill(slot.input);
      await this.infer(slot.index);
      return slot.logits.slice();
    } finally {
      // Only once the thread is done with it (or dead): a caller that gave up must not free it.
      this.idleSlots.push(slot);
    }
  }

  async release(): Promise<void> {
    this.failure ??= new Error('the inference thread was released');
    await this.worker.terminate();
  }

  private newSlot(): Slot {
    const index = this.slotCount++;
    const memory = allocateSlot(this.imageLength, this.classes);
    this.post({ type: 'slot', slot: index, memory });
    return { index, ...slotViews(memory, this.imageLength, this.classes) };
  }

  private infer(slot: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ type: 'run', id, slot });
    });
  }

  private post(message: ToInferenceThread): void {
    this.worker.postMessage(message);
  }

  private settle(message: FromInferenceThread): void {
    if (message.type === 'ready') return;
    const pending = this.pending.get(message.id);
    this.pending.delete(message.id);
    if (message.type === 'result') pending?.resolve();
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
