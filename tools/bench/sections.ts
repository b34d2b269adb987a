import { findBaseline, startBaseline } from './baseline';
import { ceilingLayouts, measureCeiling, type CeilingResult } from './ceiling';
import { photoInputs, twelveMegapixelInput, type InputSet, type Payload } from './inputs';
import { runCell, type CellResult } from './load';
import { measureOpenLoop } from './open-loop-section';
import type { BenchOptions } from './options';
import type { CeilingSection, ServerRun } from './results';
import { measureRefusals, type RefusalResult } from './refusal-cost';
import { startBenchStack, startRefusingApi, type RunningServer } from './stack';

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
      `  ${result.label}: ${result.imgPerS.toFixed(1)} img/s, run p50 ${result.runP50Ms.toFixed(1)} ms`,
    );
    results.push(result);
  }
  const best = results.reduce((a, b) => (b.imgPerS > a.imgPerS ? b : a));
  return { layouts: results, best };
}

export async function loadInputs(options: BenchOptions): Promise<InputSet[]> {
  const sets: InputSet[] = [];
  for (const name of options.inputs) {
    sets.push(name === 'photos' ? photoInputs() : await twelveMegapixelInput());
    log(`  ${name}: ${sets[sets.length - 1]?.description}`);
  }
  return sets;
}

export interface Contender {
  server: RunningServer;
  run: ServerRun;
}

export interface ServerResults {
  stacks: ServerRun[];
  baseline: ServerRun | { skipped: string };
}

/**
 * 2 and 3. Starts every stack layout and the baseline, then measures them side by side: for
 * each input and concurrency, a short probe of the best ceiling layout, then each server in
 * turn (the order rotates from one group to the next), so that the ratios between them come
 * from the same minute of a shared machine's load rather than from minutes apart.
 */
export async function runServers(
  options: BenchOptions,
  inputs: InputSet[],
  ceiling: CeilingSection,
): Promise<ServerResults> {
  const contenders: Contender[] = [];
  try {
    for (const layout of options.stacks) {
      const { model, cores, maxQueueWaitMs } = options;
      const server = track(await startBenchStack(layout, model, cores, maxQueueWaitMs));
      const { label, queuePrefix } = server;
      contenders.push({
        server,
        run: { label, layout, queuePrefix, maxQueueWaitMs, cells: [] },
      });
    }
    const baseline = await startBaselineIfPossible(options);
    if (typeof baseline !== 'string') contenders.push(baseline);
    contenders.forEach(({ server }) => log(`  ${server.label}: ${server.inferenceUrl.href}`));
    await measureGroups(contenders, inputs, ceiling, options);
    await measureOpenLoop(contenders, inputs, options, REQUEST_TIMEOUT_MS);
    const stacks = contenders.filter((c) => c.run.layout !== undefined).map((c) => c.run);
    return {
      stacks,
      baseline: typeof baseline === 'string' ? { skipped: baseline } : baseline.run,
    };
  } finally {
    await Promise.all(
      contenders.map(({ server }) => server.stop().finally(() => running.delete(server))),
    );
  }
}

/**
 * 5. What a refusal costs: the api alone, its queue held full, and closed-loop clients sending
 * photos, every one of which it should refuse before reading.
 */
export async function runRefusals(options: BenchOptions): Promise<RefusalResult> {
  const photos = photoInputs();
  const server = track(await startRefusingApi((photos.payloads[0] as Payload).body));
  try {
    const result = await measureRefusals(server.inferenceUrl, photos, {
      concurrency: options.refusalClients,
      warmupMinMs: options.warmupMs,
      measureMs: options.measureMs,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      watch: server.processes,
      cores: options.cores,
    });
    const failure = server.problem();
    if (failure !== undefined) throw new Error(`${server.label} stopped: ${failure}`);
    log(
      `  ${server.label}, ${options.refusalClients} clients: ` +
        `${result.refusalsPerS.toFixed(0)} refusals/s, p99 ${result.p99Ms.toFixed(1)} ms`,
    );
    return { ...result, queuePrefix: server.queuePrefix };
  } finally {
    await server.stop().finally(() => running.delete(server));
  }
}

function track<T extends RunningServer>(server: T): T {
  running.add(server);
  return server;
}

/** The baseline ready to measure, or why it cannot run. */
async function startBaselineIfPossible(options: BenchOptions): Promise<Contender | string> {
  if (!options.baseline) return '--no-baseline';
  const settings = findBaseline(options.model, process.env.PYTHON);
  if (typeof settings === 'string') {
    log(`  baseline skipped: ${settings}`);
    return settings;
  }
  try {
    const server = track(await startBaseline(settings, options.baselineThreads));
    return { server, run: { label: server.label, baseline: server.info, cells: [] } };
  } catch (error) {
    const reason = `the baseline server did not start: ${error instanceof Error ? error.message : String(error)}`;
    log(`  baseline skipped: ${reason}`);
    return reason;
  }
}

async function measureGroups(
  contenders: Contender[],
  inputs: InputSet[],
  ceiling: CeilingSection,
  options: BenchOptions,
): Promise<void> {
  let group = 0;
  for (const input of inputs) {
    for (const concurrency of options.concurrencies) {
      const ceilingNow = await probeCeiling(ceiling, options);
      const order = contenders.map(
        (_, i) => contenders[(i + group) % contenders.length] as Contender,
      );
      group++;
      for (const { server, run } of order) {
        if (run.failure !== undefined) continue;
        const plan = { concurrency, warmupMinMs: options.warmupMs, measureMs: options.measureMs };
        const cell = await runCell(server.inferenceUrl, input, {
          ...plan,
          requestTimeoutMs: REQUEST_TIMEOUT_MS,
          watch: server.processes,
          cores: options.cores,
        });
        run.failure = server.problem();
        if (run.failure !== undefined) {
          log(`    ${server.label} stopped; its remaining cells are skipped: ${run.failure}`);
          continue;
        }
        await server.waitIdle();
        run.cells.push({
          ...cell,
          ceilingNowImgPerS: ceilingNow?.imgPerS,
          ceilingNowRunP50Ms: ceilingNow?.runP50Ms,
        });
        log(`    ${input.name} c=${concurrency} ${server.label}: ${cellLine(cell)}`);
      }
    }
  }
}

/** The best ceiling layout again, briefly, right before a group: how much of the machine is ours now. */
async function probeCeiling(
  ceiling: CeilingSection,
  options: BenchOptions,
): Promise<CeilingResult | undefined> {
  if (options.probeMs === 0) return undefined;
  const probe = await measureCeiling(ceiling.best, options.model, options.probeMs);
  log(`  ceiling now (${probe.label}): ${probe.imgPerS.toFixed(1)} img/s`);
  return probe;
}

function cellLine(cell: CellResult): string {
  const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} ms` : '—');
  return (
    `${cell.imgPerS.toFixed(1)} img/s, p50 ${ms(cell.p50Ms)}, p99 ${ms(cell.p99Ms)}, ` +
    `${cell.completed} answers in the window, ${cell.errors} errors`
  );
}
