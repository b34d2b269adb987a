import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { assetDirs, assetPath, loadModelManifest } from '@imgcls/models';
import { REPO_ROOT } from '@imgcls/testing';
import type { SpeedRunnerConfig, SpeedRunnerMessage } from './speed-runner';
import { quantile } from './stats';

/** The issue-10 target: the INT8 model alone at least this many times the fp32 model's speed. */
export const SPEEDUP_TARGET = 1.9;
/** Fewer runs than this and the median is not trusted for the target (the smoke run). */
export const SPEEDUP_MIN_RUNS = 30;

/** One model's batch-1, one-thread `session.run` times, from the alternating comparison. */
export interface ModelSpeed {
  model: string;
  path: string;
  runs: number;
  p10Ms: number;
  p50Ms: number;
  p90Ms: number;
  /** The first model's median over this one's: how many times faster this one is. */
  speedup: number;
}

const RUNNER = join(__dirname, 'speed-runner.ts');

/** A manifest name (models/<name>.json) or a path to an .onnx file. */
export function speedModelPath(model: string): string {
  if (model.endsWith('.onnx')) {
    const path = resolve(model);
    if (!existsSync(path)) throw new Error(`--models: ${model} does not exist`);
    return path;
  }
  const { modelsDir } = assetDirs(REPO_ROOT);
  const path = assetPath(loadModelManifest(model, modelsDir), modelsDir);
  if (!existsSync(path))
    throw new Error(`--models: ${path} is missing; run npm run assets -- ${model}`);
  return path;
}

/** Runs every model `rounds` times in turn in one child process and compares their medians. */
export async function compareModelSpeed(
  models: readonly string[],
  rounds: number,
): Promise<ModelSpeed[]> {
  const paths = models.map(speedModelPath);
  const config: SpeedRunnerConfig = { modelPaths: paths, rounds };
  const child = fork(RUNNER, [JSON.stringify(config)], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ORT_DISABLE_TELEMETRY: '1' },
  });
  const runMs = await new Promise<number[][]>((done, fail) => {
    child.once('message', (message: SpeedRunnerMessage) =>
      message.type === 'done' ? done(message.runMs) : fail(new Error(message.message)),
    );
    child.once('exit', (code) => fail(new Error(`the model-speed runner exited with ${code}`)));
  }).finally(() => child.connected && child.kill());
  const firstP50 = quantile(runMs[0] ?? [], 0.5);
  return models.map((model, i) => {
    const times = runMs[i] ?? [];
    const p50Ms = quantile(times, 0.5);
    return {
      model: model.endsWith('.onnx') ? basename(model) : model,
      path: paths[i] ?? '',
      runs: times.length,
      p10Ms: quantile(times, 0.1),
      p50Ms,
      p90Ms: quantile(times, 0.9),
      speedup: firstP50 / p50Ms,
    };
  });
}
