/**
 * Test helper for export-onnx.spec.ts: converts each file in a folder in memory, as
 * `npm run export:onnx` does, and prints one JSON line per file with how long it took to be
 * refused. Run as its own process, so the time is Node's, not jest's sandbox's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { denseNetOnnx } from '@imgcls/densenet-onnx';

const dir = process.argv[2] ?? '.';
const options = { arch: 'densenet121', inputName: 'input', outputName: 'logits', imageSize: 224 };
for (const file of readdirSync(dir).sort()) {
  const bytes = readFileSync(join(dir, file));
  const started = performance.now();
  let error = '';
  try {
    denseNetOnnx(bytes, file, { ...options, log: () => {} });
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught);
  }
  console.log(JSON.stringify({ file, ms: Math.round(performance.now() - started), error }));
}
