import {
  editZip,
  editZipPickle,
  LEGACY_FIRST_STORAGE as FIRST_STORAGE,
  legacyCallingGlobal,
  legacyWithLongInteger,
  legacyWithLongPickle,
  legacyWithStorageCount,
  longPickleBody,
  sharedCheckpoint,
} from '@imgcls/testing';
import { CheckpointError, readCheckpoint } from './index';

/**
 * A checkpoint is untrusted input. Each damaged or hostile file must fail with one line naming
 * the problem: never a hang, a crash or a half-read state dict. (How long each takes is measured
 * outside jest's sandbox, which slows this parser many times: tools/export/export-onnx.spec.ts.)
 */
function expectRefused(bytes: Uint8Array, message: RegExp): void {
  let error: unknown;
  try {
    readCheckpoint(bytes, 'evil.pth');
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(CheckpointError);
  const text = (error as Error).message;
  expect(text).not.toContain('\n');
  expect(text).toMatch(/^evil\.pth: /);
  expect(text).toMatch(message);
}

const legacy = sharedCheckpoint('legacy');
const zip = sharedCheckpoint('zip');

describe('readCheckpoint on hostile files', () => {
  it.each([10, 20, 100, 50_000, FIRST_STORAGE - 3, FIRST_STORAGE + 4, legacy.length - 1])(
    'refuses the legacy file truncated to %i bytes',
    (length) => {
      expectRefused(legacy.subarray(0, length), /truncated|ends before|remain|not a PyTorch/);
    },
  );

  it.each([100, Math.floor(zip.length / 2), zip.length - 1])(
    'refuses the zip file truncated to %i bytes',
    (length) => expectRefused(zip.subarray(0, length), /truncated or malformed/),
  );

  it('refuses a pickle that calls os.system, naming the global', () => {
    expectRefused(legacyCallingGlobal('os', 'system'), /refusing the global os\.system/);
    expectRefused(legacyCallingGlobal('builtins', 'eval'), /refusing the global builtins\.eval/);
  });

  it('refuses a storage that claims more bytes than the file holds', () => {
    expectRefused(
      legacyWithStorageCount(2n ** 40n),
      /claims 4398046511104 bytes but only \d+ remain in the file/,
    );
    // conv0's storage: 9408 floats (M 0x24c0) said to be 65535.
    const bigger = editZipPickle('features.conv0.weight', [0x4d, 0xc0, 0x24], [0x4d, 0xff, 0xff]);
    expectRefused(
      bigger,
      /storage 0 of "features.conv0.weight" claims 262140 bytes; the file holds 37632/,
    );
  });

  it('refuses a tensor view that reaches past its storage', () => {
    // conv0's storage offset (K 0) moved to 1: the last element falls outside.
    const shifted = editZipPickle('features.conv0.weight', [0x51, 0x4b, 0x00], [0x51, 0x4b, 0x01]);
    expectRefused(
      shifted,
      /features\.conv0\.weight: shape \[64, 3, 7, 7\] at offset 1 needs element 9408/,
    );
  });

  it('refuses a zip with a path-traversal entry before reading anything', () => {
    const traversal = editZip((files) => (files['../../etc/cron.d/evil'] = Buffer.from('x')));
    expectRefused(
      traversal,
      /zip entry "\.\.\/\.\.\/etc\/cron\.d\/evil" points outside the archive/,
    );
  });

  it('refuses a pickle item too long for a state dict, such as a 1 MiB integer', () => {
    // pickleparser decodes LONG4 in quadratic time: this one alone would take minutes.
    expectRefused(legacyWithLongInteger(2 ** 20), /a pickle item of 1048576 bytes/);
  });

  it('refuses a pickle larger than any state dict needs', () => {
    expectRefused(legacyWithLongPickle(2 ** 21), /the pickles exceed 1048576 bytes/);
    const zipped = editZip((files) => {
      const name = Object.keys(files).find((n) => n.endsWith('/data.pkl')) as string;
      files[name] = longPickleBody(2 ** 21);
    });
    expectRefused(zipped, /data\.pkl is 2097152 bytes; a state dict's pickle stays under 1048576/);
  });

  it('refuses a file that is neither format', () => {
    expectRefused(Buffer.from('{"not": "a checkpoint"}'), /not a PyTorch checkpoint/);
  });
});
