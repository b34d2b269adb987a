/**
 * The model-speed comparison's child process (forked by speed-comparison.ts): every model in one
 * onnxruntime session of one thread, batch 1, run in turn, round after round, so that each gets
 * the same minutes of a shared machine. The order flips every round (ABBA) so that neither model
 * always runs right after the other.
 */
import * as ort from 'onnxruntime-node';

export interface SpeedRunnerConfig {
  modelPaths: string[];
  rounds: number;
}

export type SpeedRunnerMessage =
  { type: 'done'; runMs: number[][] } | { type: 'error'; message: string };

const WARMUP_RUNS = 3;

/** The worker's own session options, on one thread. */
async function openSession(
  path: string,
): Promise<{ session: ort.InferenceSession; feeds: ort.InferenceSession.FeedsType }> {
  const session = await ort.InferenceSession.create(path, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const input = session.inputMetadata[0];
  const shape = input?.isTensor ? input.shape.slice(1) : [];
  if (!input || shape.length !== 3 || !shape.every((d) => typeof d === 'number')) {
    throw new Error(
      `${path}: the first input is not an image tensor [N, C, H, W] with fixed C, H and W`,
    );
  }
  const dims = [1, ...shape];
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1)).map((_, i) => (i % 255) / 255);
  return { session, feeds: { [input.name]: new ort.Tensor('float32', data, dims) } };
}

async function main(config: SpeedRunnerConfig): Promise<void> {
  const models = [];
  for (const path of config.modelPaths) models.push(await openSession(path));
  for (const { session, feeds } of models) {
    for (let i = 0; i < WARMUP_RUNS; i++) await session.run(feeds);
  }
  const runMs = models.map((): number[] => []);
  for (let round = 0; round < config.rounds; round++) {
    const order = models.map((_, i) => (round % 2 === 0 ? i : models.length - 1 - i));
    for (const i of order) {
      const { session, feeds } = models[i] as (typeof models)[number];
      const startMs = performance.now();
      await session.run(feeds);
      runMs[i]?.push(performance.now() - startMs);
    }
  }
  await Promise.all(models.map(({ session }) => session.release()));
  send({ type: 'done', runMs });
}

function send(message: SpeedRunnerMessage): void {
  process.send?.(message);
}

main(JSON.parse(process.argv[2] ?? '{}') as SpeedRunnerConfig)
  .then(() => process.disconnect?.())
  .catch((error: unknown) => {
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    process.disconnect?.();
    process.exitCode = 1;
  });
