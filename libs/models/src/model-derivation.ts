import type { FieldReader } from './field-reader';

/** How activation ranges are chosen and what stays float: everything that shapes the output. */
export interface QuantizeRecipe {
  /** Activation ranges keep the central `percentile`% of each tensor's calibration values. */
  method: 'percentile';
  percentile: number;
  /**
   * Weight bits, symmetric int8 per output channel: 8 (±127) needs an exact 8-bit dot product
   * (VNNI, AMX); 7 (±63) is for x86 CPUs without one, whose int8 kernels saturate 16-bit pair
   * sums of full 8-bit weights (onnxruntime's `reduce_range`).
   */
  weightBits: WeightBits;
  /** Names of nodes left in float (none by default). */
  keepFloat: string[];
  /**
   * `shared` (the default): the tensors that meet at a Concat take one range, so onnxruntime
   * copies instead of requantizing: DenseNet-121 runs in ~0.88× the time, a little less exactly.
   * `own`: each keeps its calibrated range (docs/benchmarks.md).
   */
  concatGrid: ConcatGrid;
}

export const CONCAT_GRIDS = ['shared', 'own'] as const;
export type ConcatGrid = (typeof CONCAT_GRIDS)[number];

export const WEIGHT_BITS = [7, 8] as const;
export type WeightBits = (typeof WEIGHT_BITS)[number];

export const isWeightBits = (bits: number): bits is WeightBits =>
  (WEIGHT_BITS as readonly number[]).includes(bits);

/** How the sorted calibration images are thinned: all, or every second from the 1st or 2nd. */
export const CALIBRATION_SELECTS = ['all', 'even', 'odd'] as const;
export type CalibrationSelect = (typeof CALIBRATION_SELECTS)[number];

/** What `select` keeps of a folder's images sorted by name (the rest is for evaluation). */
export function selectCalibration<T>(sorted: readonly T[], select: CalibrationSelect): T[] {
  return sorted.filter((_, i) => select === 'all' || i % 2 === (select === 'even' ? 0 : 1));
}

/** Which images calibrate: a folder (relative to the checkout), sorted by name, thinned. */
export interface CalibrationSource {
  /** Null: the user names the folder (`npm run assets -- <model> --calibration <folder>`). */
  folder: string | null;
  /** `even`: the 1st, 3rd, 5th… image; `odd`: the others (kept for evaluation); or `all`. */
  select: CalibrationSelect;
}

/** A model made locally from another: `quantize.from` quantized with `recipe` (tools/quantize). */
export interface ModelDerivation {
  from: string;
  recipe: QuantizeRecipe;
  calibration: CalibrationSource;
}

export const DEFAULT_RECIPE: QuantizeRecipe = {
  method: 'percentile',
  percentile: 99.99,
  weightBits: 8,
  keepFloat: [],
  concatGrid: 'shared',
};

function readWeightBits(recipe: FieldReader): WeightBits {
  const bits = recipe.positiveInteger('weightBits');
  if (!isWeightBits(bits))
    recipe.fail('weightBits', `must be ${WEIGHT_BITS.join(' or ')}, got ${bits}`);
  return bits;
}

export function readDerivation(fields: FieldReader): ModelDerivation {
  const recipe = fields.object('recipe');
  const calibration = fields.object('calibration');
  const percentile = recipe.positiveNumber('percentile');
  if (percentile < 90 || percentile > 100)
    recipe.fail('percentile', `must be in [90, 100], got ${percentile}`);
  return {
    from: fields.string('from'),
    recipe: {
      method: recipe.literal('method', ['percentile']),
      percentile,
      weightBits: recipe.has('weightBits') ? readWeightBits(recipe) : DEFAULT_RECIPE.weightBits,
      keepFloat: recipe.has('keepFloat') ? recipe.stringList('keepFloat') : [],
      concatGrid: recipe.has('concatGrid')
        ? recipe.literal('concatGrid', CONCAT_GRIDS)
        : DEFAULT_RECIPE.concatGrid,
    },
    calibration: {
      folder: calibration.nullableString('folder'),
      select: calibration.literal('select', CALIBRATION_SELECTS),
    },
  };
}
