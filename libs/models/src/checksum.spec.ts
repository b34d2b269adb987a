import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checksumProblem, sha256File, verifyLabelsFile, verifyModelFile } from './checksum';
import type { LabelsManifest, ModelManifest } from './manifest.types';

// sha256("abc"), from FIPS 180-2 appendix B.1.
const ABC_SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

describe('checksums', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'checksum-'));
    file = join(dir, 'abc.bin');
    writeFileSync(file, 'abc');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('hashes a file', async () => {
    await expect(sha256File(file)).resolves.toBe(ABC_SHA256);
  });

  it('accepts the full hash or its published prefix', async () => {
    await expect(
      checksumProblem({ file: 'abc.bin', url: null, sha256: ABC_SHA256 }, file),
    ).resolves.toBeUndefined();
    await expect(
      checksumProblem({ file: 'abc.bin', url: null, sha256Prefix: 'ba7816bf' }, file),
    ).resolves.toBeUndefined();
  });

  it('names the expected and the actual hash on a mismatch', async () => {
    const wrong = 'f'.repeat(64);
    await expect(
      checksumProblem({ file: 'abc.bin', url: null, sha256: wrong }, file),
    ).resolves.toBe(`sha256 mismatch: expected ${wrong}, got ${ABC_SHA256}`);
    await expect(
      checksumProblem({ file: 'abc.bin', url: null, sha256Prefix: 'a639ec97' }, file),
    ).resolves.toBe(`sha256 mismatch: expected a hash starting a639ec97, got ${ABC_SHA256}`);
  });

  const model = (sha256?: string, url: string | null = 'https://example.org/abc.bin') =>
    ({ name: 'tiny', file: 'abc.bin', url, sha256 }) as ModelManifest;

  it('returns the path of a verified model file', async () => {
    await expect(verifyModelFile(model(ABC_SHA256), dir)).resolves.toBe(file);
  });

  it('refuses a model file with the wrong checksum', async () => {
    await expect(verifyModelFile(model('0'.repeat(64)), dir)).rejects.toThrow(
      `: sha256 mismatch: expected ${'0'.repeat(64)}, got ${ABC_SHA256}; run`,
    );
  });

  it('never suggests a download for a model that has none', async () => {
    await expect(verifyModelFile(model('0'.repeat(64), null), dir)).rejects.toThrow(
      'this model has no download: copy abc.bin into the models folder yourself',
    );
  });

  it('says how to fetch a missing model file, and the offline route', async () => {
    rmSync(file);
    await expect(verifyModelFile(model(ABC_SHA256), dir)).rejects.toThrow(
      /^model file .*abc\.bin is missing; run `npm run assets -- tiny` \(offline: `npm run assets:test && MODEL=mobilenetv2-12-int8 npm start`/,
    );
  });

  it('only checks that a locally exported model exists', async () => {
    await expect(verifyModelFile(model(undefined), dir)).resolves.toBe(file);
  });

  it('checks label files the same way', async () => {
    const labels = { name: 'l', file: 'abc.bin', url: null, sha256: '1'.repeat(64) };
    await expect(verifyLabelsFile(labels as LabelsManifest, dir)).rejects.toThrow(
      /^label file .*abc\.bin: sha256 mismatch/,
    );
  });
});
