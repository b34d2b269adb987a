import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assetDirs, loadLabelsManifest, loadModelManifest } from '@imgcls/models';
import { REPO_ROOT } from '@imgcls/testing';
import { torchPythonCandidates } from '../assets/torch-python';
import { ServiceProcess } from '@imgcls/testing';
import { BENCH_LOG } from './stack';
import { watched, type RunningServer } from './stack';

const SERVER_SCRIPT = join(REPO_ROOT, 'tools/baseline/server.py');
const SHARED_MODELS = join(REPO_ROOT, '..', 'shared', 'assets', 'models');

export interface BaselineSettings {
  python: string;
  /** The fp32 model whose PyTorch weights the baseline serves. */
  model: string;
  weights: string;
  labels: string;
}

/** How the baseline server described itself once listening (its first stdout line). */
export interface BaselineInfo {
  listening: string;
  torch_threads: number;
  torch: string;
  server: string;
}

/**
 * The PyTorch state dict and labels the baseline serves for `model`, or why there is none. The
 * original design served fp32 PyTorch, so for a model made by quantizing another (INT8) it is
 * the weights of `quantize.from`: the stack's INT8 model is then set against that design.
 */
export function baselineWeights(model: string): Omit<BaselineSettings, 'python'> | string {
  const { modelsDir, labelsDir } = assetDirs(REPO_ROOT);
  const manifest = loadModelManifest(model, modelsDir);
  const source =
    manifest.quantize === undefined
      ? manifest
      : loadModelManifest(manifest.quantize.from, modelsDir);
  const via = source === manifest ? '' : ` (the fp32 model ${model} was quantized from)`;
  const weightsFile = source.export?.weights.file;
  if (weightsFile === undefined)
    return `model ${source.name}${via} has no PyTorch weights in its manifest`;
  const weights = [join(modelsDir, weightsFile), join(SHARED_MODELS, weightsFile)].find(existsSync);
  if (weights === undefined)
    return `${weightsFile} is in neither ${modelsDir} nor ${SHARED_MODELS}`;
  const labels = join(labelsDir, loadLabelsManifest(source.labels, labelsDir).file);
  return { model: source.name, weights, labels };
}

/**
 * What the baseline needs, or why it cannot run: a Python with torch, torchvision, PIL and Flask,
 * and the PyTorch state dict of `baselineWeights` (models/ or ../shared/assets/models).
 */
export function findBaseline(
  model: string,
  envPython: string | undefined,
): BaselineSettings | string {
  const served = baselineWeights(model);
  if (typeof served === 'string') return served;
  const candidates = torchPythonCandidates(envPython);
  const python = candidates.find(
    (candidate) =>
      spawnSync(candidate, ['-c', 'import torch, torchvision, PIL, flask'], {
        stdio: 'ignore',
        timeout: 60_000,
      }).status === 0,
  );
  if (python === undefined) {
    return (
      `no Python with torch, torchvision, PIL and flask (tried ${candidates.join(', ')}); ` +
      'apt-get install python3-torch python3-torchvision python3-pil python3-flask python3-waitress, or set PYTHON'
    );
  }
  return { python, ...served };
}

export async function startBaseline(
  settings: BaselineSettings,
  serverThreads: number,
): Promise<RunningServer & { info: BaselineInfo }> {
  const args = [SERVER_SCRIPT, '--weights', settings.weights, '--labels', settings.labels];
  const server = ServiceProcess.spawn(
    'baseline',
    settings.python,
    [...args, ...['--threads', String(serverThreads)]],
    process.env,
    BENCH_LOG,
  );
  try {
    const [line = ''] = await server.waitFor(/^\{"listening".*\}$/m, 120_000);
    const info = JSON.parse(line) as BaselineInfo;
    return {
      label: `baseline Flask + PyTorch eager, fp32 ${settings.model}, ${info.server}, torch ${info.torch_threads} thread(s)`,
      inferenceUrl: new URL('/run_inference', info.listening),
      info,
      processes: watched(server, 'baseline'),
      // Every request is answered before its thread takes another: a drained client means idle.
      waitIdle: () => Promise.resolve(),
      problem: () => server.exitReason,
      stop: async () => void (await server.stop('SIGTERM', 5_000)),
    };
  } catch (error) {
    await server.stop('SIGKILL');
    throw error;
  }
}
