import type { ModelManifest } from '@imgcls/models';
import type { Classifier } from './classifier';
import { InferenceThread } from './inference-thread';
import type { SessionOptions } from './onnx-classifier';

/**
 * Several inference threads in one process, each with its own session: one process can use
 * every core without ONNX Runtime's intra-op threads synchronising on each layer. A run goes
 * to the thread with the fewest runs waiting.
 */
export class InferencePool implements Classifier {
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

  run(image: Float32Array): Promise<Float32Array> {
    const idlest = this.threads.reduce((best, thread) =>
      thread.waiting < best.waiting ? thread : best,
    );
    return idlest.run(image);
  }

  async release(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.release()));
  }

  private first(): InferenceThread {
    const thread = this.threads[0];
    if (!thread) throw new Error('the inference pool has no thread');
    return thread;
  }
}
