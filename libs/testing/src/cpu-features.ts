import { readFileSync } from 'node:fs';

/** The x86 flags that give onnxruntime's int8 kernels an exact 8-bit dot product. */
const INT8_DOT_PRODUCT_FLAGS = ['avx512_vnni', 'avx_vnni', 'amx_int8'] as const;

/**
 * Which of those this CPU has (Linux's /proc/cpuinfo; none elsewhere). Without one, x86 int8
 * convolutions multiply u8 × s8 pairs into saturating 16-bit sums (vpmaddubsw), so a model
 * quantized with full 8-bit weights (the ONNX Model Zoo's) gives measurably different answers
 * than on a CPU with VNNI; onnxruntime's `reduce_range` (7-bit weights) avoids it.
 */
export function int8DotProductFlags(cpuinfoPath = '/proc/cpuinfo'): string[] {
  let text: string;
  try {
    text = readFileSync(cpuinfoPath, 'utf8');
  } catch {
    return [];
  }
  const flags = new Set(/^flags\s*:(.*)$/m.exec(text)?.[1]?.trim().split(/\s+/) ?? []);
  return INT8_DOT_PRODUCT_FLAGS.filter((flag) => flags.has(flag));
}
