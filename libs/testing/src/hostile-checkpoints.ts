import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { sharedDir } from './shared-data';

/**
 * Damaged and hostile variants of the shared DenseNet-121 test checkpoints (a TEST model, not
 * ImageNet-trained), made by editing the real files' bytes: no torch needed.
 */
export function sharedCheckpoint(format: 'zip' | 'legacy'): Buffer {
  const file = format === 'zip' ? 'densenet121-synthetic.pth' : 'densenet121-synthetic-legacy.pth';
  return readFileSync(join(sharedDir(), 'assets', 'models', file));
}

/** The zip checkpoint with its entries changed; stored uncompressed, as torch writes them. */
export function editZip(edit: (files: Record<string, Uint8Array>) => void): Uint8Array {
  const files = unzipSync(sharedCheckpoint('zip'));
  edit(files);
  const entries: Zippable = {};
  for (const [name, data] of Object.entries(files)) entries[name] = [data, { level: 0 }];
  return zipSync(entries);
}

/** The zip checkpoint with `data.pkl` edited: `from` replaced by `to` at the first match after `anchor`. */
export function editZipPickle(anchor: string, from: number[], to: number[]): Uint8Array {
  return editZip((files) => {
    const name = Object.keys(files).find((n) => n.endsWith('/data.pkl')) as string;
    files[name] = replaceAfter(files[name] as Uint8Array, anchor, from, to);
  });
}

export function replaceAfter(
  bytes: Uint8Array,
  anchor: string,
  from: number[],
  to: number[],
): Uint8Array {
  const copy = Buffer.from(bytes);
  const start = copy.indexOf(anchor);
  const at = copy.indexOf(Buffer.from(from), start);
  if (start < 0 || at < 0) throw new Error(`test fixture: no ${from.join(',')} after ${anchor}`);
  Buffer.from(to).copy(copy, at);
  return copy;
}

/** A legacy-format file whose object pickle is `body` (protocol 2, STOP added). */
export function legacyWithPickle(body: Uint8Array): Uint8Array {
  const preamble = sharedCheckpoint('legacy').subarray(0, 137); // magic, protocol, sys info
  return Buffer.concat([preamble, Buffer.from([0x80, 0x02]), body, Buffer.from([0x2e])]);
}

/** A legacy-format file whose object pickle calls `module.name('echo pwned')`. */
export function legacyCallingGlobal(module: string, name: string): Uint8Array {
  const legacy = sharedCheckpoint('legacy');
  const preamble = legacy.subarray(0, 137); // magic, protocol version, sys info
  const arg = Buffer.from('echo pwned');
  const call = Buffer.concat([
    Buffer.from([0x80, 0x02, 0x63]), // PROTO 2, GLOBAL
    Buffer.from(`${module}\n${name}\n`),
    Buffer.from([0x58, arg.length, 0, 0, 0]), // BINUNICODE
    arg,
    Buffer.from([0x85, 0x52, 0x2e]), // TUPLE1, REDUCE, STOP
  ]);
  return Buffer.concat([preamble, call]);
}

/** Where the storages start in the shared legacy file: after the pickle of the storage keys. */
export const LEGACY_FIRST_STORAGE = 95_362;

/** The legacy file with its first storage's element count replaced by `count`. */
export function legacyWithStorageCount(count: bigint): Uint8Array {
  const edited = Buffer.from(sharedCheckpoint('legacy'));
  edited.writeBigUInt64LE(count, LEGACY_FIRST_STORAGE);
  return edited;
}

/** A legacy file whose object pickle is one LONG4 integer of `bytes` bytes. */
export function legacyWithLongInteger(bytes: number): Uint8Array {
  const long4 = Buffer.alloc(5 + bytes, 0xff);
  long4[0] = 0x8b;
  long4.writeUInt32LE(bytes, 1);
  return legacyWithPickle(long4);
}

/** A legacy file whose object pickle is `bytes` of EMPTY_LIST, POP: valid, slow in bulk. */
export function legacyWithLongPickle(bytes: number): Uint8Array {
  return legacyWithPickle(longPickleBody(bytes));
}

export function longPickleBody(bytes: number): Uint8Array {
  return Buffer.alloc(bytes, Buffer.from([0x5d, 0x30]));
}
