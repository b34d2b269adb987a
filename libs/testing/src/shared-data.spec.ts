import { median, referenceMobileNetTop1, referencePredictions, samplePhotos } from './shared-data';

describe('shared sample data', () => {
  it('lists 200 photos with their true classes and both references', () => {
    const photos = samplePhotos();
    expect(photos).toHaveLength(200);
    expect(photos[0]).toMatchObject({
      file: 'n01440764_tench.JPEG',
      classIndex: 0,
      wnid: 'n01440764',
      className: 'tench',
    });
    const reference = referencePredictions().get('n01440764_tench.JPEG');
    expect(reference?.top5[0]).toBe(0);
    expect(reference?.top5Probabilities[0]).toBeCloseTo(0.825886, 6);
    expect(referenceMobileNetTop1().size).toBe(200);
  });

  it('takes the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
