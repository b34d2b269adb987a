/**
 * `npm run bench -- [options]`: in one run on one machine, the model alone (the ceiling), the
 * full stack (api + workers + Redis, from dist) over HTTP, and the original Flask + PyTorch
 * design (the baseline), with every figure as a ratio to the ceiling and the baseline, the
 * issue's targets as PASS/FAIL lines, and a JSON report. See docs/benchmarks.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { loadavg } from 'node:os';
import { REPO_ROOT } from '@imgcls/testing';
import { describeMachine, describeModel } from './machine';
import { compareModelSpeed, type ModelSpeed } from './speed-comparison';
import { parseOptions, USAGE, type BenchOptions } from './options';
import {
  ceilingTable,
  cellTable,
  cpuTable,
  errorLines,
  modelLatencyFor,
  refusalTable,
  timingsTable,
} from './report';
import { baselineRun, type BenchResults } from './results';
import { loadInputs, runCeiling, runRefusals, runServers, stopRunningServers } from './sections';
import { chartSeries, openLoopChart } from './open-loop-chart';
import { OPEN_LOOP_LEGEND, openLoopTable } from './open-loop-report';
import { openLoopChecks } from './open-loop-targets';
import { speedChecks, speedTable } from './speed-report';
import { formatCheck } from './target-check';
import { checkTargets } from './targets';

const log = (line = '') => console.log(line);

async function main(options: BenchOptions): Promise<void> {
  const startedAt = new Date();
  const machine = describeMachine(options.cores);
  const model = describeModel(options.model);
  log(`# imgcls benchmark ${options.smoke ? '(smoke) ' : ''}${startedAt.toISOString()}`);
  log(
    `machine: ${machine.cores} cores, ${machine.cpuModel}, ${machine.memoryGiB} GiB, node ${machine.node}, load ${machine.loadAverageAtStart.toFixed(2)}`,
  );
  log(`model: ${model.note}`);

  log('\n## 1. ceiling: the model alone in onnxruntime-node');
  const ceiling = await runCeiling(options);
  const speed = await runSpeedComparison(options);
  log('\n## inputs');
  const inputs = await loadInputs(options);
  log(
    '\n## 2, 3 and 4. stacks (api + workers + Redis) and baseline (Flask + PyTorch), side by side, closed loop then open loop',
  );
  const results: BenchResults = { ceiling, ...(await runServers(options, inputs, ceiling)) };
  if (options.refusalClients > 0) {
    log('\n## 5. refusals: the api alone, its queue full');
    results.refusals = await runRefusals(options);
  }
  const targets = [
    ...speedChecks(speed),
    ...checkTargets(results, { cores: options.cores, quantizedFrom: model.quantizedFrom }),
    ...openLoopChecks(results),
  ];

  printReport(results, options, model.note);
  if (speed.length > 0) {
    log(
      '\n## models alone, side by side (one thread, batch 1, alternating; ×first: speed vs the first)',
    );
    log(speedTable(speed));
  }
  log('\n## targets (each check named by what it measures)');
  targets.forEach((check) => log(`${formatCheck(check)} [${check.stack}]`));

  const out =
    options.out ??
    join(REPO_ROOT, 'tmp/bench', `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: { ...machine, loadAverageAtEnd: loadavg()[0] },
    model,
    options,
    inputs: inputs.map(({ name, description }) => ({ name, description })),
    ...results,
    speed,
    targets,
  };
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  log(`\nJSON report: ${relative(process.cwd(), out)}`);
  const series = chartSeries(results);
  if (series.length > 0) {
    const chart = out.replace(/\.json$/, '') + '-open-loop.svg';
    writeFileSync(
      chart,
      openLoopChart(series, `open loop, ${model.name}, ${startedAt.toISOString()}`),
    );
    log(`open-loop chart: ${relative(process.cwd(), chart)}`);
  }
}

/** 1b. The models alone, one thread, batch 1, taking turns: the INT8 speed-up. */
async function runSpeedComparison(options: BenchOptions): Promise<ModelSpeed[]> {
  if (options.speedModels.length === 0) return [];
  log(`\n## 1b. models alone, alternating: ${options.speedModels.join(' vs ')}`);
  const speed = await compareModelSpeed(options.speedModels, options.speedRuns);
  speed.forEach((s) => log(`  ${s.model}: ${s.runs} runs, p50 ${s.p50Ms.toFixed(1)} ms`));
  return speed;
}

const CELL_LEGEND = `
Server tables, one row per input and closed-loop concurrency c:
  %ceil     img/s as a share of the best ceiling layout, measured at the start
  ceil now  that layout re-measured (img/s) just before this input and concurrency ran on every server
  ×base     against the baseline at the same input and concurrency, measured in the same group
  ×lat1     against the model alone at batch 1 with the server's thread count (one process)
  err       failed requests in the whole cell (warm-up, window, drain); top1 ok/n: answers naming the true class
  load      1-minute load average when the cell ended: this run's own processes (about 2-3) plus anyone else's`;

const REFUSAL_LEGEND = `Closed-loop clients send photos to an api whose queue is full: each should get 503 at once.
  refusals/s  503 answers per second; p50 … p99 their latency; Retry-After the share that named one
  conn/answer TCP connections the clients opened per answer (1: every refusal closed its connection)
  CPU         ms of CPU per refusal over the window, the clients' (load generator) included`;

function printReport(results: BenchResults, options: BenchOptions, modelNote: string): void {
  log(`\n# results — ${modelNote}`);
  log(
    "\n## ceiling (img/s for the whole machine; %best of the best layout; ×base-best: vs the baseline's best img/s)",
  );
  log(ceilingTable(results));
  log(CELL_LEGEND);
  if (options.openLoopShares.length > 0) log(OPEN_LOOP_LEGEND);
  const baseline = baselineRun(results);
  for (const run of baseline === undefined ? results.stacks : [...results.stacks, baseline]) {
    const latency = modelLatencyFor(results, run, options.cores);
    log(`\n## ${run.label} (×lat1 against ${latency.toFixed(1)} ms)`);
    log(cellTable(results, run, latency));
    if (run.failure !== undefined) log(`stopped during the run: ${run.failure}`);
    const errors = errorLines(run);
    if (errors.length > 0) log(['errors (first message of each kind):', ...errors].join('\n'));
    if (run.layout !== undefined) {
      log("where the time goes (medians of the worker's timings; rest = p50 − the three):");
      log(timingsTable(run));
    }
    const cpu = cpuTable(results, run, options.cores);
    if (cpu !== undefined) log(cpu);
    const openLoop = openLoopTable(run);
    if (openLoop !== undefined)
      log(`open loop (seed ${options.seed}, ${options.openLoopMs / 1000} s each):\n${openLoop}`);
  }
  if ('skipped' in results.baseline) log(`\nbaseline skipped: ${results.baseline.skipped}`);
  if (results.refusals !== undefined) {
    log('\n## refusals: the api alone, its queue full (MAX_QUEUE_DEPTH=1)');
    log(REFUSAL_LEGEND);
    log(refusalTable(results.refusals));
  }
}

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  log(USAGE);
} else {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stopRunningServers().finally(() => process.exit(130)));
  }
  Promise.resolve()
    .then(() => main(parseOptions(argv)))
    .catch((error: unknown) => {
      console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
}
