import { CheckpointError } from './checkpoint-error';
import { MAX_PICKLE_BYTES, PickleReader, unpickleNext, type StorageRef } from './unpickle';

/**
 * The first pickle of every legacy file: protocol 2, LONG1 of torch.serialization's
 * MAGIC_NUMBER 0x1950a86a20f9469cfc6c, STOP. Compared as bytes: it is wider than a double.
 */
export const LEGACY_MAGIC = Uint8Array.from([
  0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e,
]);
const LEGACY_PROTOCOL = 1001;

/** The object pickle of a legacy checkpoint, and a way to fetch its storages' bytes after. */
export interface LegacyCheckpoint {
  root: unknown;
  /** Reads the storages in the order the file lists them; `refs` gives each key's type. */
  readStorages(refs: ReadonlyMap<string, StorageRef>): Map<string, Uint8Array>;
}

/**
 * Reads torch's legacy (< 1.6) layout: pickles of the magic number, the protocol version and
 * the writer's sys info, then the object, then the sorted storage keys; then, per key, an
 * int64 element count and the storage's raw little-endian bytes. The pickles must fit in
 * MAX_PICKLE_BYTES; the storages are read from the whole file.
 */
export function readLegacyCheckpoint(bytes: Uint8Array): LegacyCheckpoint {
  const pickles = bytes.subarray(0, LEGACY_MAGIC.length + MAX_PICKLE_BYTES);
  const reader = new PickleReader(pickles);
  reader.skip(LEGACY_MAGIC.length);
  const next = () => {
    if (reader.position === pickles.length && pickles.length < bytes.length) {
      throw new CheckpointError(
        `the pickles exceed ${MAX_PICKLE_BYTES} bytes; a state dict's are far smaller`,
      );
    }
    try {
      return unpickleNext(reader);
    } catch (error) {
      // Ran off the end of the capped view, not of the file: the pickle is too large.
      if (pickles.length < bytes.length && reader.position >= pickles.length - 1024) {
        throw new CheckpointError(
          `the pickles exceed ${MAX_PICKLE_BYTES} bytes; a state dict's are far smaller`,
        );
      }
      throw error;
    }
  };
  if (next() !== LEGACY_PROTOCOL) {
    throw new CheckpointError(`unknown legacy protocol version; expected ${LEGACY_PROTOCOL}`);
  }
  const info = next();
  if (!(info instanceof Map) || info.get('little_endian') !== true) {
    throw new CheckpointError('the checkpoint was not written little-endian; cannot read it');
  }
  const root = next();
  const keys = next();
  if (!Array.isArray(keys) || !keys.every((key) => typeof key === 'string')) {
    throw new CheckpointError('the storage key list is not a list of strings');
  }
  return {
    root,
    readStorages: (refs) => {
      const cursor = { position: reader.position };
      return new Map(keys.map((key) => [key, readStorage(bytes, cursor, key, refs.get(key))]));
    },
  };
}

/** One storage at `cursor`: an int64 element count, then that many elements; moves the cursor. */
function readStorage(
  bytes: Uint8Array,
  cursor: { position: number },
  key: string,
  ref: StorageRef | undefined,
): Uint8Array {
  if (ref === undefined) throw new CheckpointError(`storage ${key} is used by no tensor`);
  const remaining = bytes.length - cursor.position;
  if (remaining < 8) throw new CheckpointError(`the file ends before storage ${key}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + cursor.position, 8);
  const count = view.getBigUint64(0, true);
  const byteCount = count * BigInt(ref.kind.bytesPerElement);
  if (byteCount > BigInt(remaining - 8)) {
    throw new CheckpointError(
      `storage ${key} claims ${byteCount} bytes but only ${remaining - 8} remain in the file`,
    );
  }
  if (count !== BigInt(ref.numel)) {
    throw new CheckpointError(
      `storage ${key} holds ${count} elements; its tensors say ${ref.numel}`,
    );
  }
  const start = cursor.position + 8;
  cursor.position = start + Number(byteCount);
  return bytes.subarray(start, cursor.position);
}
