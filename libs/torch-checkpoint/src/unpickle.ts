import { BufferReader, Parser } from 'pickleparser';
import { CheckpointError } from './checkpoint-error';
import { storageKind, type StorageKind } from './storage-types';

/** A persistent id from the pickle: a storage whose bytes live elsewhere in the file. */
export interface StorageRef {
  kind: StorageKind;
  key: string;
  /** Element count as the pickle states it; checked against the bytes actually present. */
  numel: number;
}

/** What `torch._utils._rebuild_tensor_v2` is given: a strided view into a storage. */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly size: readonly number[],
    readonly stride: readonly number[],
  ) {}

  info(): { dtype: StorageKind['dtype']; shape: number[] } {
    return { dtype: this.storage.kind.dtype, shape: [...this.size] };
  }
}

type PickleFunction = (...args: unknown[]) => unknown;

// Storage classes are globals too; the function object stands for its kind until a pid names it.
const storageClasses = new WeakMap<PickleFunction, StorageKind>();

function storageClass(name: string): PickleFunction {
  const kind = storageKind(name);
  const marker: PickleFunction = () => {
    throw new CheckpointError(`torch.${name} is only valid inside a storage reference`);
  };
  storageClasses.set(marker, kind);
  return marker;
}

/**
 * The allowlist: the only globals a state dict needs. Anything else (os.system, builtins.eval,
 * a model class) is refused by name; nothing from the file is ever run.
 */
function resolveGlobal(module: string, name: string): PickleFunction {
  const qualified = `${module}.${name}`;
  switch (qualified) {
    case 'collections.OrderedDict':
      return () => new Map<unknown, unknown>();
    case 'torch._utils._rebuild_tensor':
    case 'torch._utils._rebuild_tensor_v2':
      return rebuildTensor;
    case 'torch._utils._rebuild_parameter':
      return (data: unknown) => data;
  }
  if (module === 'torch' && name.endsWith('Storage')) return storageClass(name);
  throw new CheckpointError(
    `refusing the global ${qualified}: a state dict needs only collections.OrderedDict, ` +
      'torch._utils._rebuild_tensor_v2 and torch.*Storage (is this a whole pickled model?)',
  );
}

function rebuildTensor(...args: unknown[]): TensorRef {
  const [storage, offset, size, stride] = args;
  if (!isStorageRef(storage)) throw new CheckpointError('a tensor has no storage reference');
  return new TensorRef(
    storage,
    nonNegativeInteger(offset, 'storage offset'),
    integerList(size, 'size'),
    integerList(stride, 'stride'),
  );
}

function isStorageRef(value: unknown): value is StorageRef {
  return typeof value === 'object' && value !== null && 'kind' in value && 'key' in value;
}

function nonNegativeInteger(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new CheckpointError(`a tensor's ${what} is ${String(value)}, not a non-negative integer`);
}

function integerList(value: unknown, what: string): number[] {
  if (!Array.isArray(value)) throw new CheckpointError(`a tensor's ${what} is not a tuple`);
  return value.map((item) => nonNegativeInteger(item, what));
}

/** `('storage', torch.FloatStorage, key, location, numel[, view_metadata])` → a StorageRef. */
function resolveStorage(pid: unknown): StorageRef {
  if (!Array.isArray(pid) || pid[0] !== 'storage') {
    throw new CheckpointError(`unknown persistent id ${JSON.stringify(pid)}; expected a storage`);
  }
  const kind =
    typeof pid[1] === 'function' ? storageClasses.get(pid[1] as PickleFunction) : undefined;
  if (kind === undefined) throw new CheckpointError('a storage reference names no storage type');
  if (typeof pid[2] !== 'string') throw new CheckpointError('a storage reference has no key');
  return { kind, key: pid[2], numel: nonNegativeInteger(pid[4], 'storage size') };
}

const parser = new Parser({
  nameResolver: { resolve: resolveGlobal },
  persistentResolver: { resolve: resolveStorage },
  extensionResolver: {
    resolve: (code: number) => {
      throw new CheckpointError(`refusing pickle extension code ${code}`);
    },
  },
  unpicklingTypeOfDictionary: 'Map',
  unpicklingTypeOfSet: 'array',
});

/**
 * A state dict's pickle holds only names, shapes and storage references (about 200 bytes a
 * tensor: 1 MiB is about 5,000 tensors; DenseNet-201 has about 1,000), so it is small whatever
 * the weights weigh. The bounds keep a hostile pickle's parse short: pickleparser decodes a long
 * integer (LONG4) in time quadratic in its length.
 */
export const MAX_PICKLE_BYTES = 1024 * 1024;
const MAX_ITEM_BYTES = 512;

/**
 * pickleparser's reader checks reads past the end but not a negative length, which would move
 * it backwards (BINBYTES with length -5 re-reads itself forever): every length must be forward,
 * and no single item (a key, a module name, an integer) may exceed MAX_ITEM_BYTES.
 */
export class PickleReader extends BufferReader {
  override skip(offset: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new CheckpointError(`a length in the pickle is ${offset}`);
    }
    super.skip(offset);
  }

  override bytes(length: number): Uint8Array {
    if (length > MAX_ITEM_BYTES) {
      throw new CheckpointError(
        `a pickle item of ${length} bytes; a state dict's names and numbers stay under ${MAX_ITEM_BYTES}`,
      );
    }
    const chunk = super.bytes(length);
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
}

/**
 * Reads one pickle starting at `reader`'s position and leaves the position after its STOP, so
 * the legacy format's run of pickles can be read one after another.
 */
export function unpickleNext(reader: PickleReader): unknown {
  return parser.read<unknown>(reader);
}

export function unpickle(bytes: Uint8Array): unknown {
  if (bytes.length > MAX_PICKLE_BYTES) {
    throw new CheckpointError(
      `data.pkl is ${bytes.length} bytes; a state dict's pickle stays under ${MAX_PICKLE_BYTES}`,
    );
  }
  return unpickleNext(new PickleReader(bytes));
}
