export { BMP_HEADER_SIZES } from './bmp';
export * from './dimensions';
export * from './formats';
export * from './limits';
export * from './header';
