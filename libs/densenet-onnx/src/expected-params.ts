import type { TensorInfo } from '@imgcls/torch-checkpoint';
import type { DenseNetArch } from './densenet-archs';

/** A parameter the graph needs: its state-dict key and shape. */
export interface ParamSpec {
  key: string;
  shape: readonly number[];
}

/**
 * Every parameter torchvision's DenseNet has, in module order, with its shape. This order is the
 * order of the ONNX initializers, so the output does not depend on the order in the file.
 */
export function expectedParams(arch: DenseNetArch): ParamSpec[] {
  const params: ParamSpec[] = [];
  const conv = (key: string, out: number, inp: number, k: number) =>
    params.push({ key: `${key}.weight`, shape: [out, inp, k, k] });
  const norm = (key: string, channels: number) =>
    ['weight', 'bias', 'running_mean', 'running_var'].forEach((name) =>
      params.push({ key: `${key}.${name}`, shape: [channels] }),
    );
  conv('features.conv0', arch.initFeatures, 3, 7);
  norm('features.norm0', arch.initFeatures);
  let channels = arch.initFeatures;
  const bottleneck = arch.bnSize * arch.growthRate;
  arch.blockConfig.forEach((layers, b) => {
    for (let l = 1; l <= layers; l++) {
      const layer = `features.denseblock${b + 1}.denselayer${l}`;
      norm(`${layer}.norm1`, channels);
      conv(`${layer}.conv1`, bottleneck, channels, 1);
      norm(`${layer}.norm2`, bottleneck);
      conv(`${layer}.conv2`, arch.growthRate, bottleneck, 3);
      channels += arch.growthRate;
    }
    if (b === arch.blockConfig.length - 1) return;
    norm(`features.transition${b + 1}.norm`, channels);
    conv(`features.transition${b + 1}.conv`, channels / 2, channels, 1);
    channels /= 2;
  });
  norm('features.norm5', channels);
  params.push({ key: 'classifier.weight', shape: [arch.classes, channels] });
  params.push({ key: 'classifier.bias', shape: [arch.classes] });
  return params;
}

// torchvision's checkpoints before 2018 say `denselayer1.norm.1.weight`; the model now says
// `denselayer1.norm1.weight`. Same pattern as torchvision.models.densenet._load_state_dict.
const OLD_LAYER_KEY =
  /^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$/;

/** Renames old-style keys and drops `num_batches_tracked` (a training counter, not a weight). */
export function normaliseKeys<T extends TensorInfo>(
  stateDict: ReadonlyMap<string, T>,
): Map<string, T> {
  const renamed = new Map<string, T>();
  for (const [key, tensor] of stateDict) {
    if (key.endsWith('.num_batches_tracked')) continue;
    renamed.set(key.replace(OLD_LAYER_KEY, '$1$2'), tensor);
  }
  return renamed;
}

/**
 * Checks the state dict against the architecture and names the first problem: a missing key, a
 * wrong shape or dtype, or a key the architecture does not have (the wrong variant's weights).
 */
export function checkParams(
  stateDict: ReadonlyMap<string, TensorInfo>,
  params: readonly ParamSpec[],
  archName: string,
): void {
  for (const { key, shape } of params) {
    const tensor = stateDict.get(key);
    if (tensor === undefined) throw new Error(`missing key ${key} for ${archName}`);
    if (tensor.dtype !== 'float32') {
      throw new Error(`${key} is ${tensor.dtype}; ${archName} needs float32`);
    }
    if (tensor.shape.join(',') !== shape.join(',')) {
      throw new Error(
        `${key} has shape [${tensor.shape.join(', ')}]; ${archName} needs [${shape.join(', ')}]`,
      );
    }
  }
  const known = new Set(params.map((p) => p.key));
  const extra = [...stateDict.keys()].find((key) => !known.has(key));
  if (extra !== undefined) throw new Error(`unexpected key ${extra}: not part of ${archName}`);
}
