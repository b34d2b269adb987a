import { IMAGENET_SPEC } from './model-spec';
import { normalizedValue, writeChw } from './tensor';

describe('normalizedValue (ToTensor + Normalize in float32)', () => {
  it('matches the hand-computed values of a white and a black pixel', () => {
    // (255/255 − 0.485) / 0.229 = 2.2489…; (0 − 0.406) / 0.225 = −1.8044…
    expect(normalizedValue(255, 0, IMAGENET_SPEC)).toBeCloseTo(2.2489083, 6);
    expect(normalizedValue(0, 2, IMAGENET_SPEC)).toBeCloseTo(-1.8044444, 6);
  });

  it('rounds every step to float32, as torch does', () => {
    const x = Math.fround(128 / 255);
    const expected = Math.fround(Math.fround(x - Math.fround(0.456)) / Math.fround(0.224));
    expect(normalizedValue(128, 1, IMAGENET_SPEC)).toBe(expected);
    expect(Math.fround(normalizedValue(128, 1, IMAGENET_SPEC))).toBe(expected);
  });
});

describe('writeChw', () => {
  const identity = { ...IMAGENET_SPEC, mean: [0, 0, 0], std: [1, 1, 1] } as const;

  it('turns HWC bytes into channel planes, written from the offset', () => {
    // Two pixels: (255, 0, 51) and (0, 255, 102).
    const image = { width: 2, height: 1, data: Uint8Array.from([255, 0, 51, 0, 255, 102]) };
    const out = new Float32Array(8).fill(-1);
    writeChw(image, identity, out, 1);
    const f = Math.fround;
    expect(Array.from(out)).toEqual([-1, 1, 0, 0, 1, f(0.2), f(0.4), -1]);
  });
});
