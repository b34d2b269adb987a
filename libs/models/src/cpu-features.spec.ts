import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { int8DotProductFlags, int8WeightsWarning } from './cpu-features';
import { DEFAULT_RECIPE } from './model-derivation';

describe('int8DotProductFlags', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'imgcls-cpu-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ['fpu avx2 avx512f avx512_vnni amx_int8', ['avx512_vnni', 'amx_int8']],
    ['fpu avx2 avx_vnni', ['avx_vnni']],
    ['fpu sse4_2 avx2 fma', []],
  ])('reads "%s"', async (flags, expected) => {
    const path = join(dir, 'cpuinfo');
    await writeFile(path, `processor\t: 0\nmodel name\t: X\nflags\t\t: ${flags}\n`);
    expect(int8DotProductFlags(path)).toEqual(expected);
  });

  it('finds none where there is no cpuinfo', () => {
    expect(int8DotProductFlags(join(dir, 'missing'))).toEqual([]);
  });
});

describe('int8WeightsWarning', () => {
  const quantized = (weightBits: 7 | 8) => ({
    name: 'densenet121-int8',
    quantize: {
      from: 'densenet121',
      recipe: { ...DEFAULT_RECIPE, weightBits },
      calibration: { folder: 'photos', select: 'all' as const },
    },
  });
  const avx2 = { arch: 'x64', int8DotProduct: [] };

  it('warns of 8-bit weights on an x86 CPU without VNNI or AMX, and names the fix', () => {
    const warning = int8WeightsWarning(quantized(8), avx2);
    expect(warning).toContain('model densenet121-int8 has 8-bit INT8 weights');
    expect(warning).toContain('"weightBits": 7 in models/densenet121-int8.json');
  });

  it.each([
    ['7-bit weights', quantized(7), avx2],
    ['a CPU with VNNI', quantized(8), { arch: 'x64', int8DotProduct: ['avx512_vnni'] }],
    ['an ARM CPU', quantized(8), { arch: 'arm64', int8DotProduct: [] }],
    ['an fp32 model', { name: 'densenet121' }, avx2],
  ])('says nothing for %s', (_, manifest, cpu) => {
    expect(int8WeightsWarning(manifest, cpu)).toBeUndefined();
  });
});
