import { decodeOnnxModel, encodeOnnxModel } from './onnx-model';

/**
 * The model with its input's batch dimension fixed at `size`, as a model exported for batches
 * of one has it: the same weights, a graph onnxruntime refuses other batch sizes for.
 */
export function withFixedBatch(bytes: Uint8Array, inputName: string, size: number): Uint8Array {
  const model = decodeOnnxModel(bytes, 'the model to fix');
  const input = model.graph?.input?.find((value) => value.name === inputName);
  const batch = input?.type?.tensorType?.shape?.dim?.[0];
  if (!batch) throw new Error(`the model has no input "${inputName}" with a batch dimension`);
  // `dim_param` and `dim_value` are one protobuf oneof: the name must go, not be emptied.
  delete batch.dimParam;
  batch.dimValue = size;
  return encodeOnnxModel(model);
}
