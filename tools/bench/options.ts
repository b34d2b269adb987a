import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { INPUT_NAMES, type InputName } from './inputs';
import type { StackLayout } from './stack';

export interface BenchOptions {
  smoke: boolean;
  model: string;
  /** Models compared alone, alternating, one thread, batch 1 (names or .onnx paths); [] for none. */
  speedModels: string[];
  /** Runs of each model in that comparison. */
  speedRuns: number;
  cores: number;
  concurrencies: number[];
  inputs: InputName[];
  stacks: StackLayout[];
  ceilingBatches: number[];
  ceilingMs: number;
  /** Re-measure of the best ceiling layout before each group of cells; 0 for none. */
  probeMs: number;
  warmupMs: number;
  measureMs: number;
  baseline: boolean;
  /** Request threads of the baseline's WSGI server. */
  baselineThreads: number;
  /** Open-loop loads as shares of each server's capacity; [] for none. */
  openLoopShares: number[];
  openLoopMs: number;
  /** Seed of the open-loop arrival schedule. */
  seed: number;
  /** The stacks' MAX_QUEUE_WAIT_MS, which the 150% open-loop target's tail bound reads. */
  maxQueueWaitMs: number;
  /** Clients against an api whose queue is full (what a refusal costs); 0 for none. */
  refusalClients: number;
  /** JSON report path; default tmp/bench/<timestamp>.json. */
  out?: string;
}

export const USAGE = `usage: npm run bench -- [options]
  --smoke                 a few seconds: one concurrency, short windows, one stack (the jest test runs this)
  --model NAME            models/<NAME>.json (default densenet121-synthetic, a TEST model)
                          an INT8 model (its manifest has "quantize") is judged by the INT8
                          targets, and the baseline runs the fp32 model it was quantized from
  --models LIST           models alone side by side: each NAME (or .onnx path) in turn, one
                          thread, batch 1, alternating; each against the first (fp32 first,
                          e.g. densenet121-synthetic,densenet121-synthetic-int8); PASS/FAIL ≥ 1.9×
  --speed-runs N          runs of each model in that comparison (default 30; --smoke 3)
  --concurrency LIST      closed-loop concurrencies (default 1,4,16,64)
  --inputs LIST           photos,12mp (default both)
  --stacks LIST           worker layouts, WORKERS[xSESSIONS[xTHREADS]] (default 1,<cores>x1;
                          what is not given stays at the worker's defaults (one 1-thread session per core);
                          none = baseline and ceiling only)
  --ceiling-batches LIST  batch sizes for the model-alone ceiling (default 1,4)
  --ceiling-s N           seconds per ceiling layout (default 5)
  --probe-s N             seconds of the best ceiling layout again before each group of cells,
                          the machine's capacity at that moment (default 3; 0 or --smoke: none)
  --warmup-s N            minimum warm-up per cell (default 2; it also lasts until every
                          client has had one answer)
  --measure-s N           measured window per cell (default 8)
  --open-loop LIST        Poisson arrivals on the photos at these shares of each server's
                          capacity, its best closed-loop img/s in this run (default 0.5,0.8,1.5;
                          --smoke 0.5; none to skip)
  --open-loop-s N         seconds of arrivals per open-loop cell (default 20; --smoke 2)
  --seed N                seed of the arrival schedule (default 1)
  --max-queue-wait-ms N   the stacks' MAX_QUEUE_WAIT_MS, the latency budget of admission
                          (default 5000, the api's; 0 turns it off)
  --refusal-clients N     closed-loop clients against an api alone whose queue is full: what a
                          refusal costs the api and a client (default 8; --smoke 2; 0: none)
  --no-baseline           skip the Flask + PyTorch baseline
  --baseline-threads N    request threads of the baseline's server (default 4)
  --out FILE              JSON report (default tmp/bench/<timestamp>.json)`;

/** The only place the bench reads argv. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      smoke: { type: 'boolean', default: false },
      model: { type: 'string', default: 'densenet121-synthetic' },
      models: { type: 'string' },
      'speed-runs': { type: 'string' },
      concurrency: { type: 'string' },
      inputs: { type: 'string', default: INPUT_NAMES.join(',') },
      stacks: { type: 'string' },
      'ceiling-batches': { type: 'string' },
      'ceiling-s': { type: 'string' },
      'probe-s': { type: 'string' },
      'warmup-s': { type: 'string' },
      'measure-s': { type: 'string' },
      'open-loop': { type: 'string' },
      'open-loop-s': { type: 'string' },
      seed: { type: 'string', default: '1' },
      'max-queue-wait-ms': { type: 'string', default: '5000' },
      'refusal-clients': { type: 'string' },
      'no-baseline': { type: 'boolean', default: false },
      'baseline-threads': { type: 'string', default: '4' },
      out: { type: 'string' },
    },
  });
  const cores = availableParallelism();
  const smoke = values.smoke;
  const seconds = (flag: string | undefined, full: number, quick: number) =>
    positive(flag ?? String(smoke ? quick : full), 'seconds') * 1000;
  const probeSeconds = values['probe-s'] ?? (smoke ? '0' : '3');
  return {
    smoke,
    model: values.model,
    speedModels: speedModels(values.models),
    speedRuns: numbers(values['speed-runs'] ?? (smoke ? '3' : '30'), 'runs')[0] ?? 30,
    cores,
    concurrencies: numbers(values.concurrency ?? (smoke ? '2' : '1,4,16,64'), 'concurrency'),
    inputs: inputNames(values.inputs),
    stacks: stackLayouts(values.stacks ?? (smoke ? '1' : `1,${cores}x1`)),
    ceilingBatches: numbers(values['ceiling-batches'] ?? (smoke ? '1' : '1,4'), 'batch'),
    ceilingMs: seconds(values['ceiling-s'], 5, 0.5),
    probeMs: probeSeconds === '0' ? 0 : positive(probeSeconds, 'seconds') * 1000,
    warmupMs: seconds(values['warmup-s'], 2, 0.2),
    measureMs: seconds(values['measure-s'], 8, 1),
    openLoopShares: shares(values['open-loop'] ?? (smoke ? '0.5' : '0.5,0.8,1.5')),
    openLoopMs: seconds(values['open-loop-s'], 20, 2),
    seed: numbers(values.seed, 'seed')[0] ?? 1,
    maxQueueWaitMs: wholeNumber(values['max-queue-wait-ms'], 'MAX_QUEUE_WAIT_MS'),
    refusalClients: wholeNumber(values['refusal-clients'] ?? (smoke ? '2' : '8'), 'clients'),
    baseline: !values['no-baseline'],
    baselineThreads: positive(values['baseline-threads'], 'baseline threads'),
    out: values.out,
  };
}

function positive(text: string, what: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${what} "${text}" is not a positive number`);
  return value;
}

function numbers(list: string, what: string): number[] {
  return list.split(',').map((item) => {
    const value = positive(item, what);
    if (!Number.isInteger(value)) throw new Error(`${what} "${item}" is not a whole number`);
    return value;
  });
}

function shares(list: string): number[] {
  if (list === 'none') return [];
  return list.split(',').map((item) => positive(item, 'load share'));
}

function speedModels(list: string | undefined): string[] {
  if (list === undefined) return [];
  const models = list.split(',').filter((name) => name !== '');
  if (models.length < 2) throw new Error(`--models needs two or more models, got "${list}"`);
  return models;
}

function inputNames(list: string): InputName[] {
  return list.split(',').map((name) => {
    const known = INPUT_NAMES.find((candidate) => candidate === name);
    if (known === undefined)
      throw new Error(`unknown input "${name}"; use ${INPUT_NAMES.join(', ')}`);
    return known;
  });
}

function stackLayouts(list: string): StackLayout[] {
  if (list === 'none') return [];
  return list.split(',').map((item) => {
    const match = /^(\d+)(?:x(\d+))?(?:x(\d+))?$/.exec(item);
    if (match === null) {
      throw new Error(
        `stack layout "${item}" is not WORKERS, WORKERSxSESSIONS or WORKERSxSESSIONSxTHREADS`,
      );
    }
    const [workers = 1, sessions, threads] = [match[1], match[2], match[3]].map((n) =>
      n === undefined ? undefined : numbers(n, 'layout')[0],
    );
    return {
      workers,
      ...(sessions === undefined ? {} : { sessions }),
      ...(threads === undefined ? {} : { intraOpThreads: threads }),
    };
  });
}

function wholeNumber(text: string, what: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value))
    throw new Error(`${what} "${text}" is not a whole number ≥ 0`);
  return value;
}
