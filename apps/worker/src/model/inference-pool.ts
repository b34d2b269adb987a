import type { ModelManifest } from '@imgcls/models';
import type { Classifier, Logits } from './classifier';
import { InferenceThread } from './inference-thread';
import { LoneJobGate } from './lone-job-gate';
import type { SessionOptions } from './onnx-classifier';

export interface PoolOptions {
  /** Inference threads, each with its own session of `intraOpThreads`. */
  sessions: number;
  intraOpThreads: number;
  /** Intra-op threads of the lone-job session; not above `intraOpThreads`: there is none. */
  loneJobThreads: number;
  /**
   * Added to the nice value of every thread that runs the model (Linux: those threads only).
   * When the cores are busy, the event loops that talk to Redis, decode and answer HTTP go
   * first, and the model takes the rest: the same work, in a better order (docs/benchmarks.md).
   */
  niceIncrement: number;
  /**
   * The most runs that wait for one session which it takes as one batch. A run never waits for
   * others to join: a batch is only what queued while the session was busy, so an idle worker
   * answers as fast, and a busy one spends less per image (docs/benchmarks.md).
   */
  maxBatch: number;
}

/** At least one: a pool always has a session to run on. */
type NonEmpty<T> = [T, ...T[]];

/**
 * Several inference threads in one process, each with its own session: one process can use
 * every core without ONNX Runtime's intra-op threads synchronising on each layer. A run goes
 * to the thread with the fewest runs waiting.
 *
 * A run that finds every session idle, with no runs overlapping lately, goes instead to one
 * more session whose intra-op threads span the cores the others use, so a lone request is
 * not held to one core. Its threads spin between operators during a run and stop when it
 * returns: no CPU spent between requests. Under load it is not used, and the single-threaded
 * sessions keep the throughput (docs/benchmarks.md).
 */
export class InferencePool implements Classifier {
  private readonly loneJobGate = new LoneJobGate();

  private constructor(
    private readonly threads: NonEmpty<InferenceThread>,
    private readonly lone: InferenceThread | undefined,
  ) {}

  static async start(
    options: PoolOptions,
    path: string,
    manifest: ModelManifest,
    onFailure: (error: Error) => void,
  ): Promise<InferencePool> {
    // One at a time: each warms up alone, so start-up stays within the memory of one session.
    const { niceIncrement, maxBatch } = options;
    const start = (session: SessionOptions, batch = maxBatch) =>
      InferenceThread.start(path, manifest, session, { niceIncrement, maxBatch: batch }, onFailure);
    if (options.sessions < 1) throw new Error('an inference pool needs at least one session');
    const threads: NonEmpty<InferenceThread> = [
      await start({ intraOpThreads: options.intraOpThreads }),
    ];
    for (let i = 1; i < options.sessions; i++)
      threads.push(await start({ intraOpThreads: options.intraOpThreads }));
    // Only a job that finds every session idle goes to it, so it never has two to batch.
    const lone =
      options.loneJobThreads > options.intraOpThreads
        ? await start({ intraOpThreads: options.loneJobThreads, stopSpinningAfterRun: true }, 1)
        : undefined;
    return new InferencePool(threads, lone);
  }

  get imageLength(): number {
    return this.threads[0].imageLength;
  }

  get classes(): number {
    return this.threads[0].classes;
  }

  /** A batch on each shared session; the lone-job session runs only when they are all idle. */
  get imagesAtOnce(): number {
    return this.threads.reduce((sum, thread) => sum + thread.imagesAtOnce, 0);
  }

  run(image: Float32Array): Promise<Logits> {
    const busy = [...this.threads, this.lone].some((thread) => (thread?.waiting ?? 0) > 0);
    const lone = this.loneJobGate.admits(performance.now(), busy) ? this.lone : undefined;
    return chooseThread(this.threads, lone).run(image);
  }

  async release(): Promise<void> {
    const all = this.lone ? [...this.threads, this.lone] : this.threads;
    await Promise.all(all.map((thread) => thread.release()));
  }
}

/**
 * The lone-job session when it and every other session are idle; otherwise the session with
 * the fewest runs waiting (the first of equals).
 */
export function chooseThread<T extends { readonly waiting: number }>(
  threads: Readonly<NonEmpty<T>>,
  lone: T | undefined,
): T {
  const idle = (thread: T) => thread.waiting === 0;
  if (lone && idle(lone) && threads.every(idle)) return lone;
  const [first, ...rest] = threads;
  return rest.reduce((best, thread) => (thread.waiting < best.waiting ? thread : best), first);
}
