/** Width and height in pixels. */
export interface Size {
  width: number;
  height: number;
}

/** A rectangle of the resized image: the part the model actually sees. */
export interface CropWindow {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * torchvision `Resize(int)`: the shorter side becomes `shorter`, the longer side keeps the
 * aspect ratio and is truncated (Python's `int(shorter * long / short)`, same float64 maths).
 */
export function resizedSize(input: Size, shorter: number): Size {
  const { width, height } = input;
  if (width <= height) {
    return { width: shorter, height: Math.trunc((shorter * height) / width) };
  }
  return { width: Math.trunc((shorter * width) / height), height: shorter };
}

/** Python 3's `round()`: ties go to the even neighbour (round(0.5) = 0, round(1.5) = 2). */
export function roundHalfToEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** torchvision `CenterCrop(size)`: offsets are `int(round((side - size) / 2.0))`. */
export function centerCrop(image: Size, cropSize: number): CropWindow {
  return {
    left: roundHalfToEven((image.width - cropSize) / 2),
    top: roundHalfToEven((image.height - cropSize) / 2),
    width: cropSize,
    height: cropSize,
  };
}
