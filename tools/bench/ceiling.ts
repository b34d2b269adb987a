import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { assetDirs, assetPath, loadModelManifest } from '@imgcls/models';
import { REPO_ROOT } from '@imgcls/testing';
import type { GoMessage, RunnerConfig, RunnerMessage } from './ceiling-runner';
import { quantile } from './stats';

/** Processes × intra-op threads each, all running batches of `batch`. */
export interface CeilingLayout {
  processes: number;
  threads: number;
  batch: number;
}

export interface CeilingResult extends CeilingLayout {
  label: string;
  /** Images per second for the whole machine: every process's rate, summed. */
  imgPerS: number;
  /** Median time of one `session.run` (one batch). */
  runP50Ms: number;
}

const RUNNER = join(__dirname, 'ceiling-runner.ts');

export const ceilingLabel = (l: CeilingLayout): string =>
  `${l.processes} proc × ${l.threads} thr, batch ${l.batch}`;

/**
 * The layouts worth trying on `cores` cores: all cores in one process or one core per process,
 * at each batch size, plus one process on one thread at batch 1 (the latency a single request
 * sees in a one-thread worker).
 */
export function ceilingLayouts(cores: number, batches: readonly number[]): CeilingLayout[] {
  const shapes = [
    { processes: 1, threads: cores },
    { processes: cores, threads: 1 },
  ];
  const layouts = [
    ...shapes.flatMap((shape) => batches.map((batch) => ({ ...shape, batch }))),
    { processes: 1, threads: 1, batch: 1 },
  ];
  // On one core both shapes are the same layout; measure it once.
  return [...new Map(layouts.map((l) => [ceilingLabel(l), l])).values()];
}

/** Runs one layout: every process warms up, then all run the same interval side by side. */
export async function measureCeiling(
  layout: CeilingLayout,
  model: string,
  durationMs: number,
): Promise<CeilingResult> {
  const { modelsDir } = assetDirs(REPO_ROOT);
  const manifest = loadModelManifest(model, modelsDir);
  const config: RunnerConfig = {
    modelPath: assetPath(manifest, modelsDir),
    inputName: manifest.input.name,
    cropSize: manifest.preprocessing.cropSize,
    threads: layout.threads,
    batch: layout.batch,
  };
  const children = Array.from({ length: layout.processes }, () =>
    // tsx as a loader, so the runner is TypeScript whether the bench runs under tsx or jest.
    fork(RUNNER, [JSON.stringify(config)], {
      cwd: REPO_ROOT,
      execArgv: ['--import', 'tsx'],
      // As in the worker (apps/worker/src/model/ort-telemetry.ts).
      env: { ...process.env, ORT_DISABLE_TELEMETRY: '1' },
    }),
  );
  try {
    await Promise.all(children.map((child) => nextMessage(child, 'ready')));
    const done = children.map((child) => nextMessage(child, 'done'));
    const go: GoMessage = { type: 'go', durationMs };
    children.forEach((child) => child.send(go));
    const results = await Promise.all(done);
    return {
      ...layout,
      label: ceilingLabel(layout),
      imgPerS: results.reduce((sum, r) => sum + r.images / (r.elapsedMs / 1000), 0),
      runP50Ms: quantile(
        results.flatMap((r) => r.runMs),
        0.5,
      ),
    };
  } finally {
    children.forEach((child) => child.connected && child.kill());
  }
}

type Message<T extends RunnerMessage['type']> = Extract<RunnerMessage, { type: T }>;

function nextMessage<T extends RunnerMessage['type']>(
  child: ChildProcess,
  type: T,
): Promise<Message<T>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: RunnerMessage) => {
      if (message.type !== type) return;
      child.off('exit', onExit);
      child.off('message', onMessage);
      resolve(message as Message<T>);
    };
    const onExit = (code: number | null) =>
      reject(new Error(`ceiling runner exited with ${code} before "${type}"`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
