export { readCheckpoint, type ReadOptions, type StateDict } from './read-checkpoint';
export { CheckpointError } from './checkpoint-error';
export type { Tensor, TensorInfo } from './tensor-view';
export type { DType, TensorData } from './storage-types';
