import type { ModelPreprocessing } from '@imgcls/models';

/**
 * How a model wants its input prepared: the model manifest's `preprocessing` field, whose
 * schema lives with the manifests (a type only: the api reads manifests without sharp).
 * Nothing outside this object hard-codes a size, a crop or the normalisation.
 */
export type ModelSpec = ModelPreprocessing;

export interface PreprocessOptions {
  /** Images with more pixels (width × height) are refused before decoding. */
  maxInputPixels: number;
  /**
   * Let a large JPEG decode at 1/4 or 1/8 scale (libjpeg's DCT scaling) while it still has at
   * least twice the pixels per side that the resize keeps. Default on; see decode.ts.
   */
  shrinkOnLoad?: boolean;
  /**
   * libvips stops a decode that runs longer than this many whole seconds (sharp's `timeout`,
   * checked as the pipeline runs) and the image is refused as IMAGE_TOO_COMPLEX. 0 or absent:
   * no limit. libjpeg's reading of a progressive file's scans happens before the pipeline and
   * is bounded by the scan count (@imgcls/image-probe) instead.
   */
  decodeTimeoutS?: number;
}

/**
 * torchvision's ImageNet evaluation transform: Resize(256), CenterCrop(224), ToTensor,
 * Normalize. Production code reads its spec from the model manifest; tests use this one.
 */
export const IMAGENET_SPEC: ModelSpec = {
  resizeShorterTo: 256,
  cropSize: 224,
  resizeFilter: 'bilinear',
  channelOrder: 'RGB',
  layout: 'NCHW',
  scale: 255,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};

/** Number of floats one image occupies in the model input. */
export function tensorLength(spec: ModelSpec): number {
  return 3 * spec.cropSize * spec.cropSize;
}

/**
 * A bad spec is a deployment mistake, not bad input: it throws a plain Error naming the field.
 * The crop must fit inside the resized image because torchvision's zero padding is not ported.
 */
export function assertValidSpec(spec: ModelSpec): void {
  const positiveInt = (n: number): boolean => Number.isInteger(n) && n > 0;
  if (!positiveInt(spec.resizeShorterTo) || !positiveInt(spec.cropSize)) {
    throw new Error(
      `invalid model spec: resizeShorterTo=${spec.resizeShorterTo} and cropSize=${spec.cropSize} must be positive integers`,
    );
  }
  if (spec.cropSize > spec.resizeShorterTo) {
    throw new Error(
      `invalid model spec: cropSize=${spec.cropSize} is larger than resizeShorterTo=${spec.resizeShorterTo}`,
    );
  }
  if (!(spec.scale > 0) || spec.std.some((s) => !(s > 0))) {
    throw new Error('invalid model spec: scale and every std must be positive');
  }
}
