import { decodeRgb } from './decode';
import { centerCrop, resizedSize } from './geometry';
import {
  assertValidSpec,
  tensorLength,
  type ModelSpec,
  type PreprocessOptions,
} from './model-spec';
import { resizeCropToChw } from './resample-wasm';
import { normalizationTable } from './tensor';

/**
 * Image bytes → the model input for one image: float32, CHW, `3 × cropSize × cropSize`.
 * Same result as torchvision's evaluation transform on a PIL image:
 * convert('RGB') → Resize(resizeShorterTo) → CenterCrop(cropSize) → ToTensor → Normalize.
 * Bad input throws ServiceError (INVALID_IMAGE, IMAGE_TOO_LARGE or UNSUPPORTED_FORMAT).
 */
export async function preprocessImage(
  bytes: Uint8Array,
  spec: ModelSpec,
  options: PreprocessOptions,
): Promise<Float32Array> {
  const out = new Float32Array(tensorLength(spec));
  await preprocessInto(bytes, spec, options, out, 0);
  return out;
}

/**
 * Same as {@link preprocessImage}, but writes into `out` from `offset` (a float index), so a
 * worker can fill one slot of a batch tensor without copying.
 */
export async function preprocessInto(
  bytes: Uint8Array,
  spec: ModelSpec,
  options: PreprocessOptions,
  out: Float32Array,
  offset: number,
): Promise<void> {
  assertValidSpec(spec);
  assertValidOptions(options);
  if (!Number.isInteger(offset) || offset < 0 || offset + tensorLength(spec) > out.length) {
    throw new RangeError(
      `offset ${offset} leaves no room for one image in a tensor of ${out.length}`,
    );
  }
  const shrinkTo = options.shrinkOnLoad === false ? undefined : spec.resizeShorterTo;
  const image = await decodeRgb(bytes, options.maxInputPixels, shrinkTo, options.decodeTimeoutS);
  const resized = resizedSize(image, spec.resizeShorterTo);
  const window = centerCrop(resized, spec.cropSize);
  resizeCropToChw(image, resized, window, normalizationTable(spec), out, offset);
}

function assertValidOptions(options: PreprocessOptions): void {
  // sharp reads 0 as "no limit", which must never happen by accident.
  if (!Number.isSafeInteger(options.maxInputPixels) || options.maxInputPixels <= 0) {
    throw new Error(`maxInputPixels=${options.maxInputPixels} must be a positive integer`);
  }
}
