import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository's root, whichever project's test is running. */
export const REPO_ROOT = resolve(__dirname, '../../..');

/** `../shared` beside the repository: the sample photos, their references and the assets. */
export function sharedDir(): string {
  const dir = resolve(REPO_ROOT, '..', 'shared');
  if (!existsSync(join(dir, 'images', 'labels.csv'))) {
    throw new Error(
      `the shared data folder is missing: expected ${dir}/images/labels.csv beside the repository`,
    );
  }
  return dir;
}

export interface SamplePhoto {
  file: string;
  path: string;
  /** True ImageNet class index. */
  classIndex: number;
  wnid: string;
  /** Class name as it appears in the file name (`n01440764_tench.JPEG` → `tench`). */
  className: string;
}

function readCsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const columns = (header ?? '').split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(columns.map((column, i) => [column, cells[i] ?? '']));
  });
}

/** The 200 sample photos, one per fifth ImageNet class. */
export function samplePhotos(): SamplePhoto[] {
  const dir = join(sharedDir(), 'images');
  return readCsv(join(dir, 'labels.csv')).map((row) => {
    const file = row['file'] ?? '';
    const wnid = row['wnid'] ?? '';
    return {
      file,
      path: join(dir, file),
      classIndex: Number(row['class_index']),
      wnid,
      className: file.slice(wnid.length + 1).replace(/\.JPEG$/i, ''),
    };
  });
}

export interface ReferencePrediction {
  top5: number[];
  top5Probabilities: number[];
}

/** torchvision's pipeline on `densenet121-synthetic` (a test model), keyed by file. */
export function referencePredictions(): Map<string, ReferencePrediction> {
  const rows = readCsv(join(sharedDir(), 'images', 'reference_predictions.csv'));
  return new Map(
    rows.map((row) => [
      row['file'] ?? '',
      {
        top5: (row['top5'] ?? '').split(' ').map(Number),
        top5Probabilities: (row['top5_prob'] ?? '').split(' ').map(Number),
      },
    ]),
  );
}

/** torchvision's pipeline on the ImageNet-trained MobileNetV2 INT8: its top-1, keyed by file. */
export function referenceMobileNetTop1(): Map<string, number> {
  const rows = readCsv(join(sharedDir(), 'images', 'reference_mobilenetv2.csv'));
  return new Map(rows.map((row) => [row['file'] ?? '', Number(row['ref_top1_index'])]));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}
