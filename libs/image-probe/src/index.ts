export { BMP_HEADER_SIZES } from './bmp';
export * from './dimensions';
export * from './formats';
export * from './limits';
export * from './header';
export { decodedImageSize } from './decoded-size';
export { MAX_JPEG_SCANS, MAX_JPEG_SCAN_PIXELS, MAX_JPEG_REPEATED_BYTES } from './jpeg';
