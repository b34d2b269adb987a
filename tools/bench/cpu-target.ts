import { findCell, type BenchResults, type ServerRun } from './results';
import { fixed1 as f, skip, type Check } from './target-check';

/** Issue 11: CPU per image the serving path may spend beyond the model itself. */
export const CPU_OUTSIDE_MODEL_MS = 6;

/** The processes of the serving path; the load generator is the clients' cost, not the service's. */
const SERVING = ['api', 'redis', 'workers'] as const;

/**
 * Photos at c=16: the CPU per image of the api, Redis and the workers (cpu.ts, from /proc over
 * the cell's window), less the model's own share, `cores / ceiling`: the core time per image of
 * the best model-alone layout measured at the start of this run. What remains is everything
 * around the model: HTTP, multipart, Redis round trips, decoding and preprocessing, hand-offs.
 */
export function cpuOutsideModel(results: BenchResults, stack: ServerRun, cores: number): Check {
  const id =
    `cpu-outside-model: photos c=16 CPU ms/img of api + redis + workers less the model's ` +
    `cores/ceiling ≤ ${CPU_OUTSIDE_MODEL_MS} ms`;
  const cpu = findCell(stack, 'photos', 16)?.cpu;
  if (cpu === undefined) return skip(id, 'no photos c=16 cell with CPU figures');
  const missing = SERVING.filter((label) => cpu.byProcess[label] === undefined);
  if (missing.length > 0) return skip(id, `no CPU figure for ${missing.join(', ')} (no /proc?)`);
  const best = results.ceiling.best;
  const modelMs = (cores * 1000) / best.imgPerS;
  const parts = SERVING.map((label) => ({ label, ms: cpu.byProcess[label] ?? NaN }));
  const outsideMs = parts.reduce((sum, part) => sum + part.ms, 0) - modelMs;
  const summed = parts.map((part) => `${part.label} ${f(part.ms)}`).join(' + ');
  const generator = cpu.byProcess['load generator'];
  const modelThreads = cpu.byThread?.['workers model'];
  const workers = f(cpu.byProcess.workers ?? NaN);
  return {
    id,
    pass: outsideMs <= CPU_OUTSIDE_MODEL_MS,
    detail:
      `${summed} − model ${f(modelMs)} (${cores} cores / ${f(best.imgPerS)} img/s, ` +
      `${best.label} at the start) = ${f(outsideMs)} ms per image` +
      (modelThreads === undefined
        ? ''
        : ` (the workers' model threads took ${f(modelThreads)} of the workers' ${workers})`) +
      (generator === undefined ? '' : `; load generator ${f(generator)} not counted`),
  };
}
