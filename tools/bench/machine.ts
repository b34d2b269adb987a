import { cpus, loadavg, totalmem } from 'node:os';
import { assetDirs, loadModelManifest } from '@imgcls/models';
import { REPO_ROOT } from '@imgcls/testing';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  /** 1-minute load average when the run started: other people's work on a shared machine. */
  loadAverageAtStart: number;
}

export function describeMachine(cores: number): MachineInfo {
  return {
    cores,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageAtStart: loadavg()[0] ?? NaN,
  };
}

export interface ModelNote {
  name: string;
  testModel: boolean;
  /** `quantize.from` of its manifest: the fp32 model an INT8 model was made from. */
  quantizedFrom?: string;
  /** Said in every output, so that no figure is mistaken for the real model's accuracy. */
  note: string;
}

export function describeModel(model: string): ModelNote {
  const manifest = loadModelManifest(model, assetDirs(REPO_ROOT).modelsDir);
  const note = manifest.testModel
    ? `${model} is a TEST model: DenseNet-121's exact architecture and compute cost with random ` +
      'convolutions, not ImageNet-trained (it names the 200 shared photos correctly, anything ' +
      'else at random). Speed figures carry over to the real DenseNet-121; accuracy does not.'
    : `${model}: ${manifest.description}`;
  return {
    name: model,
    testModel: manifest.testModel,
    ...(manifest.quantize === undefined ? {} : { quantizedFrom: manifest.quantize.from }),
    note,
  };
}
