import { isAbsolute, relative } from 'node:path';

/**
 * A path as a person would type it from the current folder: `models/densenet121.onnx` inside the
 * checkout, absolute elsewhere. Keeps one-line startup errors short and copy-pasteable.
 */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
