export { IMAGENET_SPEC, tensorLength, type ModelSpec, type PreprocessOptions } from './model-spec';
export { preprocessImage, preprocessInto } from './preprocess';
export { configureDecoder } from './decode';
