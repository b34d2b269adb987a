import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { samplePhotos } from '@imgcls/testing';
import { decodeRgb } from './decode';
import { centerCrop, resizedSize, type CropWindow, type Size } from './geometry';
import { IMAGENET_SPEC } from './model-spec';
import { resizeAndCrop, type RgbImage } from './pil-resample';
import { resizeCropToChw } from './resample-wasm';
import { normalizationTable, writeChw } from './tensor';

/** The TypeScript port (the reference) and the WebAssembly kernels, on the same input. */
function both(image: RgbImage, size: Size, window: CropWindow) {
  const table = normalizationTable(IMAGENET_SPEC);
  const length = 3 * window.width * window.height;
  const reference = new Float32Array(length);
  writeChw(resizeAndCrop(image, size, window), IMAGENET_SPEC, reference, 0);
  // Offset 5 and a sentinel around the slot: nothing outside it may be written.
  const wasm = new Float32Array(length + 10).fill(-99);
  resizeCropToChw(image, size, window, table, wasm, 5);
  return { reference, wasm };
}

function expectSameFloats(actual: Float32Array, expected: Float32Array, what: string): void {
  const first = expected.findIndex((v, i) => !Object.is(v, actual[i]));
  if (first !== -1) {
    throw new Error(`${what}: float ${first} is ${actual[first]}, expected ${expected[first]}`);
  }
}

/** A small seeded generator (mulberry32), so a failure names a case that can be rerun. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('resizeCropToChw (WebAssembly)', () => {
  it('gives bit for bit the TypeScript port’s tensor on every shared photo', async () => {
    const photos = samplePhotos();
    expect(photos).toHaveLength(200);
    for (const photo of photos) {
      const image = await decodeRgb(await readFile(photo.path), 40_000_000);
      const size = resizedSize(image, IMAGENET_SPEC.resizeShorterTo);
      const { reference, wasm } = both(image, size, centerCrop(size, IMAGENET_SPEC.cropSize));
      expectSameFloats(wasm.subarray(5, -5), reference, photo.file);
      expect([...wasm.subarray(0, 5), ...wasm.subarray(-5)]).toEqual(Array(10).fill(-99));
    }
  }, 180_000); // 200 photos decoded twice: minutes on a busy 2-core machine

  it('matches it on random images, sizes and windows: down, up, kept and mixed axes', () => {
    const next = random(20261124);
    const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
    for (let n = 0; n < 300; n++) {
      const width = int(1, 160);
      const height = int(1, 160);
      const data = Uint8Array.from({ length: width * height * 3 }, () => int(0, 255));
      // Each axis independently shrinks (up to 9×), keeps its size, or grows.
      const pick = (side: number) => [int(1, side), side, int(side, side * 3)][int(0, 2)] ?? side;
      const size = { width: pick(width), height: pick(height) };
      const left = int(0, size.width - 1);
      const top = int(0, size.height - 1);
      const window = {
        left,
        top,
        width: int(1, size.width - left),
        height: int(1, size.height - top),
      };
      const { reference, wasm } = both({ width, height, data }, size, window);
      const what = `case ${n}: ${width}×${height} → ${JSON.stringify(size)} ${JSON.stringify(window)}`;
      expectSameFloats(wasm.subarray(5, -5), reference, what);
    }
  });

  it('grows its memory for a large image after small ones', () => {
    const width = 2000;
    const height = 1500;
    const data = new Uint8Array(width * height * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919 + (i >> 11)) & 255;
    const size = resizedSize({ width, height }, 256);
    const { reference, wasm } = both({ width, height, data }, size, centerCrop(size, 224));
    expectSameFloats(wasm.subarray(5, -5), reference, '2000×1500');
  });

  it('runs the bytes its AssemblyScript source compiles to (resample-wasm.generated.ts)', async () => {
    const build = path.join(__dirname, '../assembly/build.mjs');
    const { stdout } = await promisify(execFile)(process.execPath, [build, '--check']);
    expect(stdout).toContain('matches its source');
  }, 60_000);
});
