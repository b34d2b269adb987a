export { onnx, OnnxFormatError, decodeOnnxModel, encodeOnnxModel, toNumber } from './onnx-model';
export { tensor, floatData, dimsOf } from './tensors';
export { node, floatValueInfo, type AttributeValue } from './nodes';
export { withFixedBatch } from './batch';
