/**
 * One process of a ceiling layout (forked by ceiling.ts): an onnxruntime session with the
 * worker's own session options, fed the same pre-made batch over and over. No HTTP, no Redis,
 * no decode. Talks to its parent over IPC: "ready" once warm, then runs for the duration the
 * parent's "go" names, so that every process of a layout measures the same interval.
 */
import * as ort from 'onnxruntime-node';

export interface RunnerConfig {
  modelPath: string;
  inputName: string;
  cropSize: number;
  threads: number;
  batch: number;
}

export type RunnerMessage =
  { type: 'ready' } | { type: 'done'; runMs: number[]; elapsedMs: number; images: number };

export interface GoMessage {
  type: 'go';
  durationMs: number;
}

const WARMUP_RUNS = 2;

async function main(config: RunnerConfig): Promise<void> {
  const session = await ort.InferenceSession.create(config.modelPath, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: config.threads,
    interOpNumThreads: 1,
  });
  const { batch, cropSize } = config;
  const data = new Float32Array(batch * 3 * cropSize * cropSize).map((_, i) => (i % 255) / 255);
  const feeds = {
    [config.inputName]: new ort.Tensor('float32', data, [batch, 3, cropSize, cropSize]),
  };
  for (let i = 0; i < WARMUP_RUNS; i++) await session.run(feeds);
  const { durationMs } = await waitForGo();
  const runMs: number[] = [];
  const startMs = performance.now();
  while (performance.now() - startMs < durationMs) {
    const runStartMs = performance.now();
    await session.run(feeds);
    runMs.push(performance.now() - runStartMs);
  }
  const elapsedMs = performance.now() - startMs;
  await session.release();
  send({ type: 'done', runMs, elapsedMs, images: runMs.length * batch });
}

function waitForGo(): Promise<GoMessage> {
  return new Promise((resolve) => {
    process.once('message', (message) => resolve(message as GoMessage));
    send({ type: 'ready' });
  });
}

function send(message: RunnerMessage): void {
  process.send?.(message);
}

main(JSON.parse(process.argv[2] ?? '{}') as RunnerConfig)
  .then(() => process.disconnect?.())
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
