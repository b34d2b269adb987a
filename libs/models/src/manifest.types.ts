import type { ModelDerivation } from './model-derivation';

/**
 * The shapes of `models/<name>.json` and `labels/<name>.json`. The binaries they name live beside
 * them (`models/<file>`, `labels/<file>`), are fetched by `npm run assets`, and are never committed.
 */

/**
 * A file that is fetched as-is: from `ASSET_MIRROR` (same layout as ../shared/assets) when that
 * is set, else from `url`. Its checksum is checked either way.
 */
export interface AssetFile {
  /** File name inside the models or labels folder. */
  file: string;
  /** Public download URL; null where there is none (mirror-only test assets, locally made files). */
  url: string | null;
  /** Full SHA-256, lower-case hex. */
  sha256?: string;
  /**
   * Leading hex digits of the SHA-256 only. torchvision publishes `.pth` files this way: the
   * first 8 hex digits are part of the name (`densenet121-a639ec97.pth`) and are all it checks.
   */
  sha256Prefix?: string;
  /** Size in bytes, where the publisher states it. */
  bytes?: number;
}

/** A tensor of the ONNX graph. The batch dimension is dynamic and written `"N"`. */
export interface TensorSpec {
  name: string;
  shape: ['N', ...number[]];
}

/**
 * How an image becomes the model's input tensor; `@imgcls/preprocessing` calls it `ModelSpec`.
 * It is defined here, with the rest of the manifest, so this lib stays free of sharp.
 */
export interface ModelPreprocessing {
  /** Resize so the shorter side has this many pixels, keeping the aspect ratio. */
  resizeShorterTo: number;
  /** Then crop a centred square of this side. */
  cropSize: number;
  resizeFilter: 'bilinear';
  channelOrder: 'RGB';
  layout: 'NCHW';
  /** Pixel values are divided by this before normalising (255 maps uint8 to [0, 1]). */
  scale: number;
  /** Per-channel mean and standard deviation, in `channelOrder`. */
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/** How an ONNX file is made locally from PyTorch weights (`npm run assets` runs `script`). */
export interface ModelExport {
  /** Python script, relative to the repository root; takes `--weights PATH --output PATH`. */
  script: string;
  /** The state dict it reads; fetched into the models folder like any asset. */
  weights: AssetFile;
}

/**
 * `models/<name>.json`. The ONNX file is either a fixed artifact (`sha256` set: fetched and
 * checked) or made locally by `export` (no `sha256`: its bytes depend on the local exporter).
 */
export interface ModelManifest extends AssetFile {
  /** Same as the manifest's file name without `.json`; what `MODEL` selects. */
  name: string;
  description: string;
  /** True for stand-ins that are not trained on ImageNet; results must say so. */
  testModel: boolean;
  /** Name of the label manifest, `labels/<labels>.json`. */
  labels: string;
  export?: ModelExport;
  /** Made locally by quantizing another model (see model-derivation.ts). */
  quantize?: ModelDerivation;
  input: TensorSpec;
  output: TensorSpec;
  preprocessing: ModelPreprocessing;
}

/** `labels/<name>.json`: a class-index file such as `{"0": ["n01440764", "tench"], …}`. */
export interface LabelsManifest extends AssetFile {
  name: string;
  description: string;
  /** Number of classes; equals the model output's last dimension. */
  classes: number;
}
