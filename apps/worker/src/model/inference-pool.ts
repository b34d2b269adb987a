import type { ModelManifest } from '@imgcls/models';
import type { Classifier, FillInput } from './classifier';
import { allocateSlot, slotViews, type SlotViews } from './inference-slot';
import { InferenceThread } from './inference-thread';
import type { SessionOptions } from './onnx-classifier';

interface Slot extends SlotViews {
  index: number;
}

/**
 * Several inference threads in one process, each with its own session: one process can use
 * every core without ONNX Runtime's intra-op threads synchronising on each layer. An image is
 * written into a slot of memory that every thread shares, then goes to the thread with the
 * fewest runs waiting, chosen once it is ready. Slots are reused run after run, so no 602 KB
 * array is allocated, zeroed, transferred and freed per image.
 */
export class InferencePool implements Classifier {
  /** Slots not lent out; as many exist as runs were ever in progress at once. */
  private readonly idleSlots: Slot[] = [];
  private slotCount = 0;

  private constructor(private readonly threads: InferenceThread[]) {}

  static async start(
    size: number,
    path: string,
    manifest: ModelManifest,
    options: SessionOptions,
    onFailure: (error: Error) => void,
  ): Promise<InferencePool> {
    // One at a time: each warms up alone, so start-up stays within the memory of one session.
    const threads: InferenceThread[] = [];
    for (let i = 0; i < size; i++)
      threads.push(await InferenceThread.start(path, manifest, options, onFailure));
    return new InferencePool(threads);
  }

  get imageLength(): number {
    return this.first().imageLength;
  }

  get classes(): number {
    return this.first().classes;
  }

  async run(fill: FillInput): Promise<Float32Array> {
    const slot = this.idleSlots.pop() ?? this.newSlot();
    try {
      await fill(slot.input);
      const idlest = this.threads.reduce((best, thread) =>
        thread.waiting < best.waiting ? thread : best,
      );
      await idlest.infer(slot.index);
      return slot.logits.slice();
    } finally {
      // Only once the thread is done with it (or dead): a caller that gave up must not free it.
      this.idleSlots.push(slot);
    }
  }

  async release(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.release()));
  }

  private newSlot(): Slot {
    const index = this.slotCount++;
    const memory = allocateSlot(this.imageLength, this.classes);
    for (const thread of this.threads) thread.share(index, memory);
    return { index, ...slotViews(memory, this.imageLength, this.classes) };
  }

  private first(): InferenceThread {
    const thread = this.threads[0];
    if (!thread) throw new Error('the inference pool has no thread');
    return thread;
  }
}
