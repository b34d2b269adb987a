import { parentPort, workerData } from 'node:worker_threads';
import { OnnxClassifier } from './onnx-classifier';
import type {
  FromInferenceThread,
  InferenceThreadData,
  ToInferenceThread,
} from './inference-thread.protocol';
import { slotViews, type SlotViews } from './inference-slot';

/** The inference thread's body: one session, runs taken one at a time, in order. */
async function serve(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('inference-thread.worker must run as a worker thread');
  const post = (message: FromInferenceThread) => port.postMessage(message);
  const { path, manifest, options } = workerData as InferenceThreadData;
  let classifier: OnnxClassifier;
  try {
    classifier = await OnnxClassifier.load(path, manifest, options);
    await classifier.warmUp();
  } catch (error) {
    post({ type: 'failed', id: -1, message: errorMessage(error) });
    return;
  }
  const { imageLength, classes } = classifier;
  post({ type: 'ready', imageLength, classes });

  const slots = new Map<number, SlotViews>();
  // The session's own input, reused: onnxruntime-node refuses shared memory, and a copy of
  // 602 KB costs far less than a fresh array per run and the collections it brings.
  const input = new Float32Array(imageLength);
  let queue = Promise.resolve();
  port.on('message', (message: ToInferenceThread) => {
    if (message.type === 'slot') {
      slots.set(message.slot, slotViews(message.memory, imageLength, classes));
      return;
    }
    queue = queue.then(async () => {
      try {
        const slot = slots.get(message.slot);
        if (slot === undefined) throw new Error(`no slot ${message.slot} was sent`);
        input.set(slot.input);
        slot.logits.set(await classifier.infer(input));
        post({ type: 'result', id: message.id });
      } catch (error) {
        post({ type: 'failed', id: message.id, message: errorMessage(error) });
      }
    });
  });
}

const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

void serve();
