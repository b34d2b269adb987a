/**
 * `npm run quantize -- --model <manifest name> --calibration <folder> [--out <file>]`: writes a
 * static INT8 QDQ copy of the model's fp32 ONNX file, calibrated on the folder's images.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  assetDirs,
  assetPath,
  CALIBRATION_SELECTS,
  CONCAT_GRIDS,
  DEFAULT_RECIPE,
  displayPath,
  loadModelManifest,
  isWeightBits,
  WEIGHT_BITS,
} from '@imgcls/models';
import type { CalibrationSelect } from './calibration-images';
import { quantizeModel } from './quantize-model';

const REPO_ROOT = resolve(__dirname, '..', '..');

const USAGE = `usage: npm run quantize -- --model <manifest name> --calibration <folder> [options]
  --model <name>        models/<name>.json: the fp32 model and its preprocessing
  --calibration <dir>   a few hundred images like the ones you will serve (sorted by name)
  --select all|even|odd every image, or every second one from the first (even) or second (odd)
  --file <path>         quantize this ONNX file instead of the manifest's (same preprocessing)
  --out <path>          output file (default models/<name>-int8.onnx)
  --percentile <p>      activation ranges keep the central p% of values (default ${DEFAULT_RECIPE.percentile})
  --weight-bits 7|8     8 for CPUs with VNNI or AMX; 7 for x86 without (default ${DEFAULT_RECIPE.weightBits})
  --keep-float <names>  comma-separated node names to leave in float
  --concat-grid <grid>  shared: one range for the tensors that meet at a Concat (faster); own:
                        a range each (a little more accurate) (default ${DEFAULT_RECIPE.concatGrid})`;

function readOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      calibration: { type: 'string' },
      select: { type: 'string', default: 'all' },
      file: { type: 'string' },
      out: { type: 'string' },
      percentile: { type: 'string', default: String(DEFAULT_RECIPE.percentile) },
      'weight-bits': { type: 'string', default: String(DEFAULT_RECIPE.weightBits) },
      'keep-float': { type: 'string', default: '' },
      'concat-grid': { type: 'string', default: DEFAULT_RECIPE.concatGrid },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  if (!values.model || !values.calibration)
    throw new Error('--model and --calibration are required (see --help)');
  if (!(CALIBRATION_SELECTS as readonly string[]).includes(values.select)) {
    throw new Error(`--select must be all, even or odd, got "${values.select}"`);
  }
  const percentile = Number(values.percentile);
  if (!(percentile >= 90 && percentile <= 100)) {
    throw new Error(`--percentile must be a number in [90, 100], got "${values.percentile}"`);
  }
  const weightBits = Number(values['weight-bits']);
  if (!isWeightBits(weightBits)) {
    throw new Error(
      `--weight-bits must be ${WEIGHT_BITS.join(' or ')}, got "${values['weight-bits']}"`,
    );
  }
  const keepFloat = values['keep-float'].split(',').filter(Boolean);
  const concatGrid = CONCAT_GRIDS.find((grid) => grid === values['concat-grid']);
  if (concatGrid === undefined) {
    throw new Error(
      `--concat-grid must be ${CONCAT_GRIDS.join(' or ')}, got "${values['concat-grid']}"`,
    );
  }
  const recipe = {
    method: 'percentile' as const,
    percentile,
    weightBits,
    keepFloat,
    concatGrid,
  };
  return { ...values, model: values.model, calibration: values.calibration, recipe };
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  if (!options) return console.log(USAGE);
  const { modelsDir } = assetDirs(REPO_ROOT);
  const manifest = loadModelManifest(options.model, modelsDir);
  const outPath = resolve(options.out ?? `${modelsDir}/${manifest.name}-int8.onnx`);
  const startedMs = Date.now();
  const summary = await quantizeModel({
    modelPath: options.file ? resolve(options.file) : assetPath(manifest, modelsDir),
    spec: manifest.preprocessing,
    inputName: manifest.input.name,
    calibrationDir: resolve(options.calibration),
    select: options.select as CalibrationSelect,
    recipe: options.recipe,
    outPath,
    progress: process.stderr,
  });
  const skipped = summary.skipped.length ? `, ${summary.skipped.length} undecodable skipped` : '';
  console.log(
    `quantize: wrote ${displayPath(outPath)} (${(summary.bytes / 1e6).toFixed(1)} MB, ${summary.quantizedTensors} activations int8) ` +
      `from ${summary.images} calibration images${skipped} in ${((Date.now() - startedMs) / 1000).toFixed(0)} s`,
  );
}

main().catch((error: unknown) => {
  console.error(`quantize: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
