import { existsSync, mkdirSync, readdirSync, realpathSync, symlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const PYTHON = /^python/i;

/**
 * A PATH on which no Python can be found: each folder that holds a `python*` is replaced by a
 * folder under `scratch` with links to everything else in it (so node, npm and sh still run).
 */
export function pythonFreePath(path: string, scratch: string): string {
  return path
    .split(delimiter)
    .filter((dir) => dir !== '' && existsSync(dir))
    .map((dir, i) => {
      const entries = readdirSync(dir);
      if (!entries.some((entry) => PYTHON.test(entry))) return dir;
      const shadow = join(scratch, `path-${i}`);
      mkdirSync(shadow, { recursive: true });
      for (const entry of entries.filter((e) => !PYTHON.test(e))) {
        const target = join(dir, entry);
        if (existsSync(target)) symlinkSync(realpathSync(target), join(shadow, entry));
      }
      return shadow;
    })
    .join(delimiter);
}
