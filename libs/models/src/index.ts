export * from './manifest.types';
export { parseLabelsManifest, parseModelManifest } from './manifest-parse';
export { assetDirs, assetPath, manifestPath } from './asset-paths';
export { listModelNames, loadLabelsManifest, loadModelManifest } from './manifest-load';
export {
  checksumProblem,
  sha256File,
  verifyAssetFile,
  verifyLabelsFile,
  verifyModelFile,
  type VerifyHint,
} from './checksum';
export { displayPath } from './display-path';
export { int8DotProductFlags, int8WeightsWarning } from './cpu-features';
export {
  CALIBRATION_SELECTS,
  CONCAT_GRIDS,
  DEFAULT_RECIPE,
  isWeightBits,
  selectCalibration,
  WEIGHT_BITS,
  type CalibrationSelect,
  type CalibrationSource,
  type ConcatGrid,
  type ModelDerivation,
  type QuantizeRecipe,
  type WeightBits,
} from './model-derivation';
