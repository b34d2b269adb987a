import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { imageTypeForName } from '../image-types';
import { describeFailure, type FileOutcome } from './classify-files';

export interface FoundImages {
  /** In the order given; each folder's images sorted by path. */
  files: string[];
  /** Paths that do not exist or cannot be read, as failed outcomes. */
  unreadable: FileOutcome[];
  /** Files in the folders whose names are not images', left out (and counted, not hidden). */
  skipped: number;
}

/**
 * Expands the command line's paths: a file is taken as given (the api judges its bytes), a
 * folder is searched recursively for image file names. Hidden entries and links to folders are
 * skipped; a file named twice is classified once.
 */
export async function findImages(paths: readonly string[]): Promise<FoundImages> {
  const found: FoundImages = { files: [], unreadable: [], skipped: 0 };
  const seen = new Set<string>();
  const add = (file: string): void => {
    const key = resolve(file);
    if (seen.has(key)) return;
    seen.add(key);
    found.files.push(file);
  };
  for (const path of paths) {
    try {
      const info = await stat(path);
      if (info.isDirectory()) (await imagesUnder(path, found)).forEach(add);
      else add(path);
    } catch (error) {
      found.unreadable.push({ file: path, error: describeFailure(error) });
    }
  }
  return found;
}

async function imagesUnder(folder: string, found: FoundImages): Promise<string[]> {
  const images: string[] = [];
  const entries = await readdir(folder, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) images.push(...(await imagesUnder(path, found)));
    else if (!(await isFile(entry, path))) continue;
    else if (imageTypeForName(entry.name)) images.push(path);
    else found.skipped++;
  }
  return images.sort();
}

async function isFile(entry: { isFile(): boolean; isSymbolicLink(): boolean }, path: string) {
  if (entry.isFile()) return true;
  return entry.isSymbolicLink() && (await stat(path).catch(() => undefined))?.isFile() === true;
}
