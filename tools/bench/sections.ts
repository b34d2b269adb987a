import { findBaseline, startBaseline } from './baseline';
import { ceilingLayouts, measureCeiling, type CeilingResult } from './ceiling';
import { photoInputs, twelveMegapixelInput, type InputSet } from './inputs';
import { runCell, type CellResult } from './load';
import type { BenchOptions } from './options';
import type { CeilingSection, ServerRun } from './results';
import { startBenchStack, type RunningServer } from './stack';

const log = (line: string) => console.log(line);
// Generous: a cell at c=64 on 12-MP images queues for a long time, and the api's own
// SYNC_TIMEOUT_MS (30 s) should be what ends a slow request, not the load generator.
const REQUEST_TIMEOUT_MS = 120_000;

/** Servers running now, so that an interrupted run still stops them and deletes their keys. */
const running = new Set<RunningServer>();

export async function stopRunningServers(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop()));
}

/** 1. The model alone in onnxruntime-node, for each layout; the best is the ceiling. */
export async function runCeiling(options: BenchOptions): Promise<CeilingSection> {
  const layouts = options.smoke
    ? [{ processes: 1, threads: options.cores, batch: 1 }]
    : ceilingLayouts(options.cores, options.ceilingBatches);
  const results: CeilingResult[] = [];
  for (const layout of layouts) {
    const result = await measureCeiling(layout, options.model, options.ceilingMs);
    log(
      `  ceiling ${result.label}: ${result.imgPerS.toFixed(1)} img/s, run p50 ${result.runP50Ms.toFixed(1)} ms`,
    );
    results.push(result);
  }
  const best = results.reduce((a, b) => (b.imgPerS > a.imgPerS ? b : a));
  return { layouts: results, best };
}

/** The best layout once more, after the stacks and the baseline (not in smoke runs). */
export async function recheckCeiling(
  options: BenchOptions,
  ceiling: CeilingSection,
): Promise<CeilingResult | undefined> {
  if (options.smoke) return undefined;
  const recheck = await measureCeiling(ceiling.best, options.model, options.ceilingMs);
  log(`  ceiling re-check ${recheck.label}: ${recheck.imgPerS.toFixed(1)} img/s`);
  return recheck;
}

export async function loadInputs(options: BenchOptions): Promise<InputSet[]> {
  const sets: InputSet[] = [];
  for (const name of options.inputs) {
    sets.push(name === 'photos' ? photoInputs() : await twelveMegapixelInput());
    log(`  input ${name}: ${sets[sets.length - 1]?.description}`);
  }
  return sets;
}

/** 2. Each stack layout, started from dist, driven over HTTP, stopped and cleaned up. */
export async function runStacks(options: BenchOptions, inputs: InputSet[]): Promise<ServerRun[]> {
  const runs: ServerRun[] = [];
  for (const layout of options.stacks) {
    const server = await startBenchStack(layout, options.model, options.cores);
    const cells = await driveServer(server, inputs, options);
    runs.push({ label: server.label, layout, queuePrefix: server.queuePrefix, cells });
  }
  return runs;
}

/** 3. The Flask + PyTorch eager baseline, when its Python dependencies are there. */
export async function runBaseline(
  options: BenchOptions,
  inputs: InputSet[],
): Promise<ServerRun | { skipped: string }> {
  if (!options.baseline) return { skipped: '--no-baseline' };
  const settings = findBaseline(options.model, process.env.PYTHON);
  if (typeof settings === 'string') {
    log(`  baseline skipped: ${settings}`);
    return { skipped: settings };
  }
  const server = await startBaseline(settings, options.baselineThreads);
  return {
    label: server.label,
    baseline: server.info,
    cells: await driveServer(server, inputs, options),
  };
}

/** Every input × concurrency against one server; always stops the server, even on failure. */
async function driveServer(
  server: RunningServer,
  inputs: InputSet[],
  options: BenchOptions,
): Promise<CellResult[]> {
  log(`  ${server.label}: ${server.inferenceUrl.href}`);
  const cells: CellResult[] = [];
  running.add(server);
  try {
    for (const input of inputs) {
      for (const concurrency of options.concurrencies) {
        const plan = { concurrency, warmupMinMs: options.warmupMs, measureMs: options.measureMs };
        const cell = await runCell(server.inferenceUrl, input, {
          ...plan,
          requestTimeoutMs: REQUEST_TIMEOUT_MS,
        });
        log(`    ${input.name} c=${concurrency}: ${cellLine(cell)}`);
        cells.push(cell);
      }
    }
  } finally {
    running.delete(server);
    await server.stop();
  }
  return cells;
}

function cellLine(cell: CellResult): string {
  const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} ms` : '—');
  return (
    `${cell.imgPerS.toFixed(1)} img/s, p50 ${ms(cell.p50Ms)}, p99 ${ms(cell.p99Ms)}, ` +
    `${cell.completed} answers in the window, ${cell.errors} errors`
  );
}
