/** Little- and big-endian readers that read past the end as 0 (callers check lengths first). */
export const u16be = (b: Uint8Array, at: number): number => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
export const u16le = (b: Uint8Array, at: number): number => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
export const u24le = (b: Uint8Array, at: number): number => u16le(b, at) | ((b[at + 2] ?? 0) << 16);
export const u32be = (b: Uint8Array, at: number): number =>
  u16be(b, at) * 0x10000 + u16be(b, at + 2);
export const u32le = (b: Uint8Array, at: number): number =>
  u16le(b, at) + u16le(b, at + 2) * 0x10000;
export const fourcc = (b: Uint8Array, at: number): string =>
  Buffer.from(b.subarray(at, at + 4)).toString('latin1');
