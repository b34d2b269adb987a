/**
 * `npm run dequantize -- [--model <manifest name> | --file <path>] [--out <path>]`: writes a float
 * copy of a QOperator INT8 model (the ONNX Model Zoo's `mobilenetv2-12-int8`), to check the
 * quantizer on a genuinely trained network.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { assetDirs, assetPath, displayPath, loadModelManifest } from '@imgcls/models';
import type { SaturationPolicy } from './dequantize-graph';
import { dequantizeFile } from './dequantize-file';

const REPO_ROOT = resolve(__dirname, '..', '..');
const DEFAULT_MODEL = 'mobilenetv2-12-int8';
const SATURATIONS: readonly SaturationPolicy[] = ['activations', 'all'];

const USAGE = `usage: npm run dequantize -- [options]
  --model <name>         models/<name>.json names the INT8 file (default ${DEFAULT_MODEL})
  --file <path>          dequantize this ONNX file instead
  --out <path>           output file (default models/<name without -int8>-float.onnx)
  --saturation <policy>  activations: keep the uint8 range as a Clip where it folds a ReLU/ReLU6
                         (zero point at the range's floor; default); all: on every output
                         and on the input (the float model computes what the integer one does)`;

function readOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string', default: DEFAULT_MODEL },
      file: { type: 'string' },
      out: { type: 'string' },
      saturation: { type: 'string', default: 'activations' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  const saturation = SATURATIONS.find((s) => s === values.saturation);
  if (!saturation) {
    throw new Error(`--saturation must be ${SATURATIONS.join(' or ')}, got "${values.saturation}"`);
  }
  return { ...values, model: values.model, saturation };
}

function main(): void {
  const options = readOptions(process.argv.slice(2));
  if (!options) return console.log(USAGE);
  const { modelsDir } = assetDirs(REPO_ROOT);
  const inPath = options.file
    ? resolve(options.file)
    : assetPath(loadModelManifest(options.model, modelsDir), modelsDir);
  const outName = `${options.model.replace(/-int8$/, '')}-float.onnx`;
  const outPath = resolve(options.out ?? `${modelsDir}/${outName}`);
  const summary = dequantizeFile(inPath, outPath, options.saturation);
  const ops = [...summary.ops].map(([op, count]) => `${count} ${op}`).join(', ');
  console.log(
    `dequantize: wrote ${displayPath(outPath)} (${(summary.bytes / 1e6).toFixed(1)} MB; ${ops}) from ${displayPath(inPath)}`,
  );
}

try {
  main();
} catch (error: unknown) {
  console.error(`dequantize: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
