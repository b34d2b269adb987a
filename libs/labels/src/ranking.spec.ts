import { LabelSet } from './label-set';
import { rankClasses, softmax, topK } from './ranking';

const row = (values: number[]) => ({ data: values, offset: 0, length: values.length });

describe('softmax', () => {
  it('matches the hand-computed values for [0, ln 2, ln 3]', () => {
    // e^0 : e^ln2 : e^ln3 = 1 : 2 : 3, so the probabilities are 1/6, 2/6, 3/6.
    const p = softmax(row([0, Math.log(2), Math.log(3)]));
    [1 / 6, 2 / 6, 3 / 6].forEach((x, i) => expect(p[i]).toBeCloseTo(x, 12));
  });

  it('stays finite for large logits', () => {
    const p = softmax(row([1000, 1000]));
    expect(Array.from(p)).toEqual([0.5, 0.5]);
  });

  it('reads one row out of a batched tensor', () => {
    const batch = new Float32Array([5, 5, 0, Math.log(3)]);
    const p = softmax({ data: batch, offset: 2, length: 2 });
    expect(p[1]).toBeCloseTo(0.75, 6);
  });
});

describe('topK', () => {
  it('returns the indices of the largest values, best first', () => {
    expect(topK([0.1, 0.5, 0.2, 0.9, 0.3], 3)).toEqual([3, 1, 4]);
  });

  it('keeps the lower index first on ties', () => {
    expect(topK([0.2, 0.4, 0.4, 0.1, 0.4], 2)).toEqual([1, 2]);
  });

  it('handles k larger than the input and k = 0', () => {
    expect(topK([1, 3, 2], 5)).toEqual([1, 2, 0]);
    expect(topK([1, 3, 2], 0)).toEqual([]);
  });

  it('agrees with a full sort on random data', () => {
    const values = Array.from({ length: 1000 }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
    const sorted = values
      .map((v, i) => [v, i] as const)
      .sort((a, b) => b[0] - a[0] || a[1] - b[1])
      .slice(0, 5)
      .map(([, i]) => i);
    expect(topK(values, 5)).toEqual(sorted);
  });
});

describe('rankClasses', () => {
  const labels = LabelSet.fromClassIndex({
    0: ['n01440764', 'tench'],
    1: ['n01443537', 'goldfish'],
    2: ['n01484850', 'great_white_shark'],
  });

  it('names the top classes with their probabilities', () => {
    const ranked = rankClasses(row([0, Math.log(3), Math.log(2)]), labels, 2);
    expect(ranked).toEqual([
      { class_id: 'n01443537', class_name: 'goldfish', class_index: 1, probability: 0.5 },
      {
        class_id: 'n01484850',
        class_name: 'great_white_shark',
        class_index: 2,
        probability: expect.closeTo(1 / 3, 12) as number,
      },
    ]);
  });

  it('refuses logits whose width does not match the label set', () => {
    expect(() => rankClasses(row([1, 2]), labels, 1)).toThrow('2 classes but the label set has 3');
  });
});
