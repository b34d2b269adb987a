import path from 'node:path';
import { LabelSet } from './label-set';

const sharedClassIndex = path.resolve(
  __dirname,
  '../../../../shared/assets/labels/imagenet_class_index.json',
);

describe('LabelSet', () => {
  it('loads the real ImageNet class index', async () => {
    const labels = await LabelSet.load(sharedClassIndex);
    expect(labels.size).toBe(1000);
    expect(labels.get(0)).toEqual({ class_id: 'n01440764', class_name: 'tench' });
    expect(labels.get(999)).toEqual({ class_id: 'n15075141', class_name: 'toilet_tissue' });
  });

  it('rejects an index outside the set', () => {
    const labels = LabelSet.fromClassIndex({ 0: ['n01440764', 'tench'] });
    expect(() => labels.get(1)).toThrow(RangeError);
  });

  it.each([
    [[], 'JSON object'],
    [{ 1: ['n01440764', 'tench'] }, 'not an index in 0..0'],
    [{ 0: ['tench'] }, 'must be [wnid, name]'],
    [{ 0: ['1440764', 'tench'] }, 'wnid like'],
  ])('rejects a malformed class index %j', (json, message) => {
    expect(() => LabelSet.fromClassIndex(json)).toThrow(message);
  });
});
