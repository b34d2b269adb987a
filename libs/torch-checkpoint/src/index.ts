export { readCheckpoint, type StateDict } from './read-checkpoint';
export { CheckpointError } from './checkpoint-error';
export type { Tensor } from './tensor-view';
export type { DType, TensorData } from './storage-types';
