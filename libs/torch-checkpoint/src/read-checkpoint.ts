import { CheckpointError } from './checkpoint-error';
import { LEGACY_MAGIC, readLegacyCheckpoint } from './legacy-checkpoint';
import { materialise, type Tensor, type TensorInfo } from './tensor-view';
import { TensorRef, unpickle, type StorageRef } from './unpickle';
import { openZipCheckpoint } from './zip-checkpoint';

/** A state dict: parameter and buffer names, in file order, to dense tensors. */
export type StateDict = Map<string, Tensor>;

export interface ReadOptions {
  /**
   * Called with every tensor's dtype and shape once the pickle is read, before any tensor data
   * is copied: a caller that expects a given architecture refuses the wrong file early. What it
   * throws is reported like any other problem with the file.
   */
  inspect?: (tensors: ReadonlyMap<string, TensorInfo>) => void;
}

const ZIP_MAGIC = Uint8Array.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * Reads a PyTorch state dict (`torch.save(model.state_dict())`) from either format torch has
 * written: the zip (torch ≥ 1.6) or the legacy run of pickles. The file is untrusted: only the
 * globals a state dict needs are accepted and every size is checked against the bytes present.
 * Any problem throws a one-line {@link CheckpointError} starting with `source`.
 */
export function readCheckpoint(
  bytes: Uint8Array,
  source: string,
  options: ReadOptions = {},
): StateDict {
  try {
    // A plain view: a Node Buffer's slice() shares memory, which the readers below never want.
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return readStateDict(view, (refs) => inspect(refs, options));
  } catch (error) {
    const known = error instanceof CheckpointError;
    const reason = error instanceof Error ? error.message : String(error);
    const detail = known ? reason : `truncated or malformed (${reason})`;
    throw new CheckpointError(`${source}: ${detail.split('\n')[0] ?? ''}`);
  }
}

function inspect(refs: [string, TensorRef][], options: ReadOptions): void {
  const infos = new Map(refs.map(([key, ref]) => [key, ref.info()]));
  try {
    options.inspect?.(infos);
  } catch (error) {
    throw new CheckpointError(error instanceof Error ? error.message : String(error));
  }
}

function readStateDict(
  bytes: Uint8Array,
  inspect: (refs: [string, TensorRef][]) => void,
): StateDict {
  if (startsWith(bytes, ZIP_MAGIC)) {
    const zip = openZipCheckpoint(bytes);
    const refs = tensorRefs(unpickle(zip.pickle));
    inspect(refs);
    return buildStateDict(refs, (storage) => zip.storage(storage.key));
  }
  if (startsWith(bytes, LEGACY_MAGIC)) {
    const legacy = readLegacyCheckpoint(bytes);
    const refs = tensorRefs(legacy.root);
    inspect(refs);
    const storages = legacy.readStorages(
      new Map(refs.map(([, ref]) => [ref.storage.key, ref.storage])),
    );
    return buildStateDict(refs, (storage) => storages.get(storage.key) ?? new Uint8Array());
  }
  throw new CheckpointError(
    "not a PyTorch checkpoint: neither a zip (torch ≥ 1.6) nor torch's legacy pickle format",
  );
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
}

/** The top-level dict's entries, each of which must be a tensor. */
function tensorRefs(root: unknown): [string, TensorRef][] {
  if (!(root instanceof Map)) {
    throw new CheckpointError('the checkpoint holds no dict of tensors (a state dict is expected)');
  }
  return [...(root as Map<unknown, unknown>).entries()].map(([key, value]) => {
    if (typeof key !== 'string') throw new CheckpointError(`a state dict key is not a string`);
    if (!(value instanceof TensorRef)) {
      throw new CheckpointError(
        `"${key}" is not a tensor; save model.state_dict(), not a training checkpoint`,
      );
    }
    return [key, value];
  });
}

function buildStateDict(
  refs: [string, TensorRef][],
  storageBytes: (storage: StorageRef) => Uint8Array,
): StateDict {
  return new Map(
    refs.map(([key, ref]) => {
      const bytes = storageBytes(ref.storage);
      const needed = ref.storage.numel * ref.storage.kind.bytesPerElement;
      if (needed > bytes.length) {
        throw new CheckpointError(
          `storage ${ref.storage.key} of "${key}" claims ${needed} bytes; the file holds ${bytes.length}`,
        );
      }
      return [key, materialise(key, ref, bytes.subarray(0, needed))];
    }),
  );
}
