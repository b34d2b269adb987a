import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { IMAGE_FORMATS } from '@imgcls/contracts';
import { selectCalibration, type CalibrationSelect } from '@imgcls/models';
import { preprocessImage, type ModelSpec } from '@imgcls/preprocessing';
import { QuantizeError } from './graph-index';

/** The formats the service accepts, by extension (the contract's list). */
const IMAGE_EXTENSIONS = new Set(
  Object.values(IMAGE_FORMATS).flatMap(({ extensions }) => extensions.map((e) => `.${e}`)),
);
const MAX_INPUT_PIXELS = 40_000_000;

export type { CalibrationSelect };

/** The image files of `folder`, sorted by name, then thinned by `select`. */
export function listCalibrationImages(folder: string, select: CalibrationSelect): string[] {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new QuantizeError(
      `calibration folder ${folder} does not exist; pass --calibration <folder of images like the ones you will serve>`,
    );
  }
  const files = readdirSync(folder)
    .filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()))
    .sort();
  return selectCalibration(files, select).map((f) => join(folder, f));
}

export interface CalibrationInputs {
  tensors: Float32Array[];
  skipped: string[];
}

/** Runs the service's own preprocessing on each image; undecodable files are skipped, listed. */
export async function loadCalibrationInputs(
  files: readonly string[],
  spec: ModelSpec,
  folder: string,
): Promise<CalibrationInputs> {
  const tensors: Float32Array[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    try {
      tensors.push(
        await preprocessImage(await readFile(file), spec, { maxInputPixels: MAX_INPUT_PIXELS }),
      );
    } catch {
      skipped.push(file);
    }
  }
  if (tensors.length === 0) {
    throw new QuantizeError(
      `calibration folder ${folder} has no decodable image (${files.length} candidate files); add JPEG, PNG, WebP, GIF or BMP photos like the ones you will serve`,
    );
  }
  return { tensors, skipped };
}
