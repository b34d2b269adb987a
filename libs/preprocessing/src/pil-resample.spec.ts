import { bilinearTaps, clip8, resizeAndCrop, toFixedPoint, type RgbImage } from './pil-resample';

/** A grey image (R = G = B) from rows of values, so expectations stay one number per pixel. */
function grey(rows: number[][]): RgbImage {
  const height = rows.length;
  const width = rows[0]?.length ?? 0;
  const data = Uint8Array.from(rows.flat().flatMap((v) => [v, v, v]));
  return { width, height, data };
}

function expectWeights(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((w, i) => expect(w).toBeCloseTo(expected[i] ?? NaN, 15));
}

const redChannel = (image: RgbImage): number[] =>
  Array.from(image.data.filter((_, i) => i % 3 === 0));

describe('bilinearTaps (precompute_coeffs)', () => {
  it('computes the 4 → 2 downscale by hand', () => {
    // scale = 2, support = 2. Output 0: center 1, reads inputs 0..2 with triangle weights
    // 0.75, 0.75, 0.25 (at distances 0.5, 0.5, 1.5 over filterscale 2), normalised by 1.75.
    const first = bilinearTaps(4, 2, 0);
    expect(first.start).toBe(0);
    expectWeights(first.weights, [3 / 7, 3 / 7, 1 / 7]);
    // Output 1: center 3, reads inputs 1..3 (input 4 is clamped away).
    const second = bilinearTaps(4, 2, 1);
    expect(second.start).toBe(1);
    expectWeights(second.weights, [1 / 7, 3 / 7, 3 / 7]);
  });

  it('uses a support of one input pixel when upscaling (2 → 4)', () => {
    // scale = 0.5, filterscale clamps to 1. Output 1: center 0.75, distances 0.25 and 0.75.
    expect(bilinearTaps(2, 4, 1)).toEqual({ start: 0, weights: [0.75, 0.25] });
    // Output 0: center 0.25; input 0 at distance 0.25 is the only one left after clamping.
    expect(bilinearTaps(2, 4, 0)).toEqual({ start: 0, weights: [1] });
  });

  it('is the identity when the size is kept, as Pillow skipping the pass is', () => {
    expect(bilinearTaps(5, 5, 2)).toEqual({ start: 2, weights: [1, 0] });
    expect(bilinearTaps(5, 5, 4)).toEqual({ start: 4, weights: [1] });
  });
});

describe('fixed point (normalize_coeffs_8bpc, clip8)', () => {
  it('scales by 2^22 and rounds half away from zero', () => {
    expect(toFixedPoint(3 / 7)).toBe(1797559); // 1797558.857…
    expect(toFixedPoint(1 / 7)).toBe(599186); // 599186.285…
    expect(toFixedPoint(1)).toBe(4194304);
    expect(toFixedPoint(-1 / 7)).toBe(-599186);
  });

  it('shifts back and clamps to a byte', () => {
    expect(clip8(50 * 4194304 + 2097151)).toBe(50);
    expect(clip8(-5)).toBe(0);
    expect(clip8(300 * 4194304)).toBe(255);
  });
});

describe('resizeAndCrop', () => {
  it('matches the hand-computed 4 → 2 row', () => {
    // 70·3/7 + 140·1/7 = 50 and 70·1/7 + 140·3/7 + 210·3/7 = 160, within fixed-point error.
    const out = resizeAndCrop(
      grey([[0, 70, 140, 210]]),
      { width: 2, height: 1 },
      window(0, 0, 2, 1),
    );
    expect(redChannel(out)).toEqual([50, 160]);
  });

  it('rounds the horizontal pass to bytes before the vertical pass, as Pillow does', () => {
    // 2×2 → 1×1, every weight 1/2, each sum biased by +0.5 before truncation. Rows: 1.5 → 2
    // and 2.5 → 3; then (2 + 3) / 2 = 2.5 → 3. Without the intermediate bytes: 2.0 → 2.
    const image = grey([
      [1, 2],
      [2, 3],
    ]);
    const out = resizeAndCrop(image, { width: 1, height: 1 }, window(0, 0, 1, 1));
    expect(redChannel(out)).toEqual([3]);
  });

  it('gives exactly the pixels of a full resize inside the crop window', () => {
    const rows = Array.from({ length: 37 }, (_, y) =>
      Array.from({ length: 53 }, (_, x) => (x * 31 + y * 17 + x * y) % 256),
    );
    const image = grey(rows);
    const size = { width: 23, height: 16 };
    const full = resizeAndCrop(image, size, window(0, 0, 23, 16));
    const part = resizeAndCrop(image, size, window(5, 3, 9, 11));
    const expected = Array.from({ length: 11 }, (_, y) =>
      Array.from(full.data.subarray(((y + 3) * 23 + 5) * 3, ((y + 3) * 23 + 14) * 3)),
    ).flat();
    expect(Array.from(part.data)).toEqual(expected);
  });
});

function window(left: number, top: number, width: number, height: number) {
  return { left, top, width, height };
}
