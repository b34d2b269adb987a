import { onnx } from 'onnx-proto';

export { onnx };

/** A model file that is not an ONNX ModelProto, or one without a graph. */
export class OnnxFormatError extends Error {
  override readonly name = 'OnnxFormatError';
}

/**
 * Parses an ONNX file. Protobuf accepts almost any bytes as *some* message, so a file counts as
 * ONNX only when it also has a graph and an opset: a .pth, a JPEG or a text file is refused here
 * with a message naming the source, never half-read.
 */
export function decodeOnnxModel(bytes: Uint8Array, source: string): onnx.ModelProto {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new OnnxFormatError(`${source} is not an ONNX model (${reason}); expected a .onnx file`);
  }
  if (!model.graph || model.opsetImport.length === 0) {
    throw new OnnxFormatError(
      `${source} is not an ONNX model (no graph or opset); expected a .onnx file`,
    );
  }
  return model;
}

/** Serialises a model; the same message always gives the same bytes. */
export function encodeOnnxModel(model: onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/** int64 fields arrive as numbers or protobufjs Longs; every size in a model fits a double. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  const long = value as { toNumber?: unknown } | null | undefined;
  if (typeof long?.toNumber === 'function') return (long.toNumber as () => number).call(long);
  if (value === null || value === undefined) return 0;
  throw new Error(`expected an integer, got ${typeof value}`);
}
