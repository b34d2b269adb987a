import { CheckpointError } from './checkpoint-error';

/** The element types a state dict may hold here: float32 and the integer types. */
export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

export type TensorData =
  Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

interface StorageKind {
  dtype: DType;
  bytesPerElement: number;
  /** Copies little-endian bytes into a fresh, aligned typed array. */
  view(bytes: Uint8Array): TensorData;
}

function kind<T extends TensorData>(
  dtype: DType,
  make: (buffer: ArrayBuffer) => T,
  bytesPerElement: number,
): StorageKind {
  return { dtype, bytesPerElement, view: (bytes) => make(new Uint8Array(bytes).buffer) };
}

/** torch's storage class names (`torch.FloatStorage`, …) and what their bytes mean. */
const STORAGE_KINDS: ReadonlyMap<string, StorageKind> = new Map([
  ['FloatStorage', kind('float32', (b) => new Float32Array(b), 4)],
  ['DoubleStorage', kind('float64', (b) => new Float64Array(b), 8)],
  ['LongStorage', kind('int64', (b) => new BigInt64Array(b), 8)],
  ['IntStorage', kind('int32', (b) => new Int32Array(b), 4)],
  ['ShortStorage', kind('int16', (b) => new Int16Array(b), 2)],
  ['CharStorage', kind('int8', (b) => new Int8Array(b), 1)],
  ['ByteStorage', kind('uint8', (b) => new Uint8Array(b), 1)],
  ['BoolStorage', kind('bool', (b) => new Uint8Array(b), 1)],
]);

/** The storage kind for `torch.<name>`, or a one-line error naming the type it met. */
export function storageKind(name: string): StorageKind {
  const found = STORAGE_KINDS.get(name);
  if (found !== undefined) return found;
  const supported = [...STORAGE_KINDS.keys()].join(', ');
  throw new CheckpointError(`unsupported tensor type torch.${name}; supported: ${supported}`);
}

export type { StorageKind };
