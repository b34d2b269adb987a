import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { int8DotProductFlags } from './cpu-features';

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
