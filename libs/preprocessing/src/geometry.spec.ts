import { centerCrop, resizedSize, roundHalfToEven } from './geometry';

describe('resizedSize (torchvision Resize(int))', () => {
  it('sets the shorter side and truncates the longer one', () => {
    // 256 * 500 / 375 = 341.33 → 341
    expect(resizedSize({ width: 500, height: 375 }, 256)).toEqual({ width: 341, height: 256 });
    expect(resizedSize({ width: 375, height: 500 }, 256)).toEqual({ width: 256, height: 341 });
    // 256 * 500 / 339 = 377.58 → 377, where rounding would give 378
    expect(resizedSize({ width: 339, height: 500 }, 256)).toEqual({ width: 256, height: 377 });
  });

  it('treats a square as "width is the shorter side" and scales it up too', () => {
    expect(resizedSize({ width: 1, height: 1 }, 256)).toEqual({ width: 256, height: 256 });
    expect(resizedSize({ width: 256, height: 256 }, 256)).toEqual({ width: 256, height: 256 });
  });
});

describe('roundHalfToEven (Python 3 round)', () => {
  it.each([
    [0.5, 0],
    [1.5, 2],
    [2.5, 2],
    [58.5, 58],
    [59.5, 60],
    [58.4, 58],
    [58.6, 59],
    [-0.5, 0],
    [16, 16],
  ])('round(%p) = %p', (x, expected) => {
    expect(roundHalfToEven(x)).toBe(expected);
  });
});

describe('centerCrop (torchvision CenterCrop)', () => {
  it('rounds the offset half to even', () => {
    // (341 - 224) / 2 = 58.5 → 58; (343 - 224) / 2 = 59.5 → 60
    expect(centerCrop({ width: 341, height: 256 }, 224)).toEqual({
      left: 58,
      top: 16,
      width: 224,
      height: 224,
    });
    expect(centerCrop({ width: 256, height: 343 }, 224)).toMatchObject({ left: 16, top: 60 });
  });

  it('starts at 0 when the image is exactly the crop size', () => {
    expect(centerCrop({ width: 224, height: 224 }, 224)).toMatchObject({ left: 0, top: 0 });
  });
});
