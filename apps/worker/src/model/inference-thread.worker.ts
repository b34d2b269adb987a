import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { OnnxClassifier } from './onnx-classifier';
import type {
  FromInferenceThread,
  InferenceThreadData,
  ToInferenceThread,
} from './inference-thread.protocol';

/** The inference thread's body: one session, runs taken one at a time, in order. */
async function serve(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('inference-thread.worker must run as a worker thread');
  const post = (message: FromInferenceThread, transfer: ArrayBuffer[] = []) =>
    port.postMessage(message, transfer);
  const { path, manifest, options, niceIncrement } = workerData as InferenceThreadData;
  let classifier: OnnxClassifier;
  try {
    // Before the session exists: the intra-op threads it starts inherit the nice value.
    lowerPriority(niceIncrement);
    classifier = await OnnxClassifier.load(path, manifest, options);
    await classifier.warmUp();
  } catch (error) {
    post({
      type: 'failed',
      id: -1,
      message: error instanceof Error ? error.message : String(error),
    });
    return;
  }
  post({ type: 'ready', imageLength: classifier.imageLength, classes: classifier.classes });

  let queue = Promise.resolve();
  port.on('message', (message: ToInferenceThread) => {
    queue = queue.then(async () => {
      try {
        // A copy: ORT may own the output's memory, and only our own buffers can be transferred.
        const logits = new Float32Array(await classifier.run(message.input));
        post({ type: 'result', id: message.id, logits }, [logits.buffer]);
      } catch (error) {
        post({
          type: 'failed',
          id: message.id,
          message: error instanceof Error ? error.message : String(error),
        });
      }
    });
  });
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
