import { CheckpointError } from './checkpoint-error';
import type { DType, TensorData } from './storage-types';
import type { TensorRef } from './unpickle';

/** What a tensor is, without its data. */
export interface TensorInfo {
  dtype: DType;
  shape: number[];
}

/** One entry of a state dict: dense, row-major, in its own buffer. */
export interface Tensor extends TensorInfo {
  data: TensorData;
}

/**
 * Copies a tensor's elements out of its storage's bytes. Every index the view can reach is
 * checked against the bytes present before anything is read, so a hostile offset, size or
 * stride fails here, naming the key.
 */
export function materialise(key: string, ref: TensorRef, storageBytes: Uint8Array): Tensor {
  const { kind } = ref.storage;
  if (ref.size.length !== ref.stride.length) {
    throw new CheckpointError(`${key}: size and stride have different lengths`);
  }
  const count = ref.size.reduce((a, b) => a * b, 1);
  const lastIndex = ref.size.reduce((sum, dim, i) => sum + (dim - 1) * (ref.stride[i] ?? 0), 0);
  const available = Math.floor(storageBytes.length / kind.bytesPerElement);
  // A state dict holds no broadcast views, so more elements than the storage has is hostile.
  if (count > available || (count > 0 && ref.offset + lastIndex >= available)) {
    throw new CheckpointError(
      `${key}: shape [${ref.size.join(', ')}] at offset ${ref.offset} needs element ` +
        `${ref.offset + lastIndex} of a storage with ${available}`,
    );
  }
  const shape = [...ref.size];
  if (isContiguous(ref.size, ref.stride)) {
    const start = ref.offset * kind.bytesPerElement;
    const bytes = storageBytes.subarray(start, start + count * kind.bytesPerElement);
    return { dtype: kind.dtype, shape, data: kind.view(bytes) };
  }
  const all = kind.view(storageBytes);
  const data = all.slice(0, count) as TensorData;
  stridedIndices(ref).forEach((source, i) => (data[i] = all[source] as never));
  return { dtype: kind.dtype, shape, data };
}

function isContiguous(size: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let i = size.length - 1; i >= 0; i--) {
    if ((size[i] ?? 0) > 1 && stride[i] !== expected) return false;
    expected *= size[i] ?? 0;
  }
  return true;
}

/** Storage indices of a strided view's elements, in row-major order. */
function stridedIndices(ref: TensorRef): number[] {
  let indices = [ref.offset];
  ref.size.forEach((dim, axis) => {
    const step = ref.stride[axis] ?? 0;
    indices = indices.flatMap((base) => Array.from({ length: dim }, (_, i) => base + i * step));
  });
  return indices;
}
