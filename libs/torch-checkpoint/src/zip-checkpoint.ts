import { strFromU8, unzipSync, type UnzipFileInfo } from 'fflate';
import { CheckpointError } from './checkpoint-error';

// The smallest central-directory record; no honest zip has more entries than this allows.
const CENTRAL_RECORD_BYTES = 46;

/** The parts of a torch ≥ 1.6 checkpoint: `<name>/data.pkl` and `<name>/data/<key>`. */
export interface ZipCheckpoint {
  pickle: Uint8Array;
  storage(key: string): Uint8Array;
}

/**
 * Opens the zip with fflate. Entry names are checked before anything is read (no absolute or
 * `..` paths), entries must be stored uncompressed as torch writes them, so every size is
 * bounded by the file, and the entry count is bounded by the file's length.
 */
export function openZipCheckpoint(bytes: Uint8Array): ZipCheckpoint {
  let entries = 0;
  const files = unzipSync(bytes, {
    filter: (file) => {
      entries += 1;
      if (entries * CENTRAL_RECORD_BYTES > bytes.length) {
        throw new CheckpointError('the zip directory lists more entries than the file can hold');
      }
      checkEntry(file, bytes.length);
      return true;
    },
  });
  const pickleName = Object.keys(files).find((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickleName === undefined) {
    throw new CheckpointError('the zip has no <name>/data.pkl: not a torch.save checkpoint');
  }
  const prefix = pickleName.slice(0, -'data.pkl'.length);
  checkByteOrder(files[`${prefix}byteorder`]);
  return {
    pickle: files[pickleName] as Uint8Array,
    storage: (key) => {
      const data = files[`${prefix}data/${key}`];
      if (data === undefined) throw new CheckpointError(`storage ${key} is missing from the zip`);
      return data;
    },
  };
}

function checkEntry(file: UnzipFileInfo, fileBytes: number): void {
  const name = file.name;
  if (name.startsWith('/') || name.includes('\\') || name.split('/').includes('..')) {
    throw new CheckpointError(`zip entry "${name}" points outside the archive; refusing the file`);
  }
  if (file.compression !== 0) {
    throw new CheckpointError(
      `zip entry "${name}" is compressed (method ${file.compression}); torch stores entries uncompressed`,
    );
  }
  if (file.size !== file.originalSize || file.size > fileBytes) {
    throw new CheckpointError(
      `zip entry "${name}" claims ${file.originalSize} bytes, more than the ${fileBytes}-byte file holds`,
    );
  }
}

function checkByteOrder(entry: Uint8Array | undefined): void {
  if (entry === undefined) return; // torch < 1.10 wrote no byteorder entry: little-endian
  const order = strFromU8(entry).trim();
  if (order !== 'little') {
    throw new CheckpointError(`the checkpoint is ${order}-endian; only little-endian is supported`);
  }
}
