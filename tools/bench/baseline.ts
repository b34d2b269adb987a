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
 * What the baseline needs, or why it cannot run: a Python with torch, torchvision, PIL and Flask,
 * and the model's PyTorch state dict (models/ or ../shared/assets/models).
 */
export function findBaseline(
  model: string,
  envPython: string | undefined,
): BaselineSettings | string {
  const { modelsDir, labelsDir } = assetDirs(REPO_ROOT);
  const manifest = loadModelManifest(model, modelsDir);
  const weightsFile = manifest.export?.weights.file;
  if (weightsFile === undefined) return `model ${model} has no PyTorch weights in its manifest`;
  const weights = [join(modelsDir, weightsFile), join(SHARED_MODELS, weightsFile)].find(existsSync);
  if (weights === undefined)
    return `${weightsFile} is in neither ${modelsDir} nor ${SHARED_MODELS}`;
  const labels = join(labelsDir, loadLabelsManifest(manifest.labels, labelsDir).file);
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
  return { python, weights, labels };
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
      label: `baseline Flask + PyTorch eager, ${info.server}, torch ${info.torch_threads} thread(s)`,
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
