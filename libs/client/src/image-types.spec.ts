import { IMAGE_FORMATS } from '@imgcls/contracts';
import { imageTypeForName } from './image-types';

describe('imageTypeForName', () => {
  it('knows every format the api accepts, BMP included, under each of its extensions', () => {
    for (const { mediaType, extensions } of Object.values(IMAGE_FORMATS)) {
      for (const extension of extensions) {
        expect(imageTypeForName(`a/photo.${extension.toUpperCase()}`)).toBe(mediaType);
      }
    }
    expect(imageTypeForName('scan.bmp')).toBe('image/bmp');
  });

  it('names nothing else', () => {
    expect(imageTypeForName('notes.txt')).toBeUndefined();
    expect(imageTypeForName('scan.tiff')).toBeUndefined();
    expect(imageTypeForName('jpg')).toBeUndefined();
  });
});
