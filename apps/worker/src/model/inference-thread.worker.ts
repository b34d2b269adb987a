import { getPriority, setPriority } from 'node:os';
import { setImmediate } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { OnnxClassifier } from './onnx-classifier';
import type {
  FromInferenceThread,
  InferenceThreadData,
  ToInferenceThread,
} from './inference-thread.protocol';

/** The inference thread's body: one session, runs taken in order, those that wait batched. */
async function serve(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('inference-thread.worker must run as a worker thread');
  const post = (message: FromInferenceThread, transfer: ArrayBuffer[] = []) =>
    port.postMessage(message, transfer);
  const data = workerData as InferenceThreadData;
  const { path, manifest, options, niceIncrement } = data;
  let classifier: OnnxClassifier;
  try {
    // Before the session exists: the intra-op threads it starts inherit the nice value.
    lowerPriority(niceIncrement);
    classifier = await OnnxClassifier.load(path, manifest, options);
    await classifier.warmUp(data.maxBatch);
  } catch (error) {
    post({
      type: 'failed',
      id: -1,
      message: error instanceof Error ? error.message : String(error),
    });
    return;
  }
  const maxBatch = Math.min(data.maxBatch, classifier.batchLimit);
  const { imageLength, classes } = classifier;
  post({ type: 'ready', imageLength, classes, maxBatch });

  const waiting: ToInferenceThread[] = [];
  let draining = false;
  port.on('message', (message: ToInferenceThread) => {
    waiting.push(message);
    if (!draining) void drain();
  });

  /**
   * Runs what waits, oldest first, up to `maxBatch` runs as one batch, until nothing waits. A
   * run never waits for company: a batch is only what came while the session was busy.
   */
  async function drain(): Promise<void> {
    draining = true;
    for (;;) {
      // One turn of the event loop: every message already sent is delivered and can join.
      await setImmediate();
      const batch = waiting.splice(0, maxBatch);
      if (batch.length === 0) break;
      await runBatch(batch);
    }
    draining = false;
  }

  async function runBatch(batch: readonly ToInferenceThread[]): Promise<void> {
    try {
      const all = await classifier.runBatch(batch.map((message) => message.input));
      batch.forEach((message, i) => {
        // A copy: ORT may own the output's memory, and only our own buffers can be transferred.
        const logits = new Float32Array(all[i] ?? []);
        post({ type: 'result', id: message.id, logits, batch: batch.length }, [logits.buffer]);
      });
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      for (const message of batch) post({ type: 'failed', id: message.id, message: why });
    }
  }
}

/**
 * Raises this thread's nice value by `increment`, up to 19. On Linux the nice value belongs to
 * each thread, so the process's other threads keep theirs. Raising it needs no privilege.
 */
function lowerPriority(increment: number): void {
  if (increment === 0) return;
  try {
    setPriority(Math.min(19, getPriority() + increment));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(
      `could not lower the inference threads' priority (${why}); set INFERENCE_NICE=0`,
    );
  }
}

void serve();
