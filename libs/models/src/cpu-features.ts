import { readFileSync } from 'node:fs';
import type { ModelManifest } from './manifest.types';

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

/**
 * A warning for a model quantized with full 8-bit weights about to run on an x86 CPU without
 * an exact 8-bit dot product, where its answers drift from the fp32 model's; otherwise none.
 */
export function int8WeightsWarning(
  manifest: Pick<ModelManifest, 'name' | 'quantize'>,
  cpu: { arch: string; int8DotProduct: readonly string[] } = {
    arch: process.arch,
    int8DotProduct: int8DotProductFlags(),
  },
): string | undefined {
  const bits = manifest.quantize?.recipe.weightBits;
  if (bits !== 8 || cpu.arch !== 'x64' || cpu.int8DotProduct.length > 0) return undefined;
  return (
    `model ${manifest.name} has 8-bit INT8 weights, but this CPU has no VNNI or AMX ` +
    `(${INT8_DOT_PRODUCT_FLAGS.join(', ')}): onnxruntime's int8 kernels saturate here and the ` +
    `answers drift from the fp32 model's (docs/troubleshooting.md). For this CPU, set ` +
    `"weightBits": 7 in models/${manifest.name}.json's quantize recipe and run ` +
    `npm run assets -- ${manifest.name} again, or serve the fp32 model`
  );
}
