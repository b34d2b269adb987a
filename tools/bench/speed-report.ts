import { SPEEDUP_MIN_RUNS, SPEEDUP_TARGET, type ModelSpeed } from './speed-comparison';
import { table } from './report';
import { fixed1 as ms, type TargetCheck } from './target-check';

/** The models side by side: one thread, batch 1, alternating, and each against the first. */
export function speedTable(speeds: readonly ModelSpeed[]): string {
  const rows = speeds.map((s, i) => [
    s.model,
    String(s.runs),
    ms(s.p50Ms),
    ms(s.p10Ms),
    ms(s.p90Ms),
    ms(1000 / s.p50Ms),
    i === 0 ? 'reference' : `${s.speedup.toFixed(2)}×`,
  ]);
  return table(['model', 'runs', 'p50 ms', 'p10 ms', 'p90 ms', 'img/s', '×first'], rows);
}

/**
 * Issue 10's speed target for every model after the first, against the first (the fp32 model):
 * at least 1.9× its speed, from medians of at least 30 alternating runs each.
 */
export function speedChecks(speeds: readonly ModelSpeed[]): TargetCheck[] {
  const [reference, ...others] = speeds;
  if (reference === undefined) return [];
  return others.map((s) => {
    const id = `int8-speedup: ${s.model} ≥ ${SPEEDUP_TARGET}× ${reference.model}, model alone, 1 thread, batch 1`;
    const runs = Math.min(s.runs, reference.runs);
    const detail = `median ${ms(s.p50Ms)} vs ${ms(reference.p50Ms)} ms = ${s.speedup.toFixed(2)}× over ${runs} alternating runs each`;
    const pass = runs >= SPEEDUP_MIN_RUNS ? s.speedup >= SPEEDUP_TARGET : undefined;
    const why = pass === undefined ? ` (fewer than ${SPEEDUP_MIN_RUNS} runs: not judged)` : '';
    return { id, stack: 'model alone', pass, detail: `${detail}${why}` };
  });
}
