export {
  convertCheckpoint,
  denseNetOnnx,
  type ConvertOptions,
  type ConvertSummary,
} from './convert-checkpoint';
export { DENSENET_ARCHS, denseNetArch, isDenseNetName, type DenseNetName } from './densenet-archs';
export { OPSET } from './densenet-graph';
