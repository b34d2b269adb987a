import type { FieldReader } from './field-reader';

/** How activation ranges are chosen and what stays float: everything that shapes the output. */
export interface QuantizeRecipe {
  /** Activation ranges keep the central `percentile`% of each tensor's calibration values. */
  method: 'percentile';
  percentile: number;
  /** Names of nodes left in float (none by default). */
  keepFloat: string[];
}

/** How the sorted calibration images are thinned: all, or every second from the 1st or 2nd. */
export const CALIBRATION_SELECTS = ['all', 'even', 'odd'] as const;
export type CalibrationSelect = (typeof CALIBRATION_SELECTS)[number];

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
  keepFloat: [],
};

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
      keepFloat: recipe.has('keepFloat') ? recipe.stringList('keepFloat') : [],
    },
    calibration: {
      folder: calibration.nullableString('folder'),
      select: calibration.literal('select', CALIBRATION_SELECTS),
    },
  };
}
