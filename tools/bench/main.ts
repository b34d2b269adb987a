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
import { parseOptions, USAGE, type BenchOptions } from './options';
import {
  ceilingTable,
  cellTable,
  errorLines,
  modelLatencyFor,
  recheckLine,
  timingsTable,
} from './report';
import { baselineRun, type BenchResults } from './results';
import {
  loadInputs,
  recheckCeiling,
  runBaseline,
  runCeiling,
  runStacks,
  stopRunningServers,
} from './sections';
import { checkTargets, formatCheck } from './targets';

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
  log('\n## inputs');
  const inputs = await loadInputs(options);
  log('\n## 2. stack: api + workers + Redis over HTTP');
  const stacks = await runStacks(options, inputs);
  log('\n## 3. baseline: Flask + PyTorch eager, one image per request');
  const baseline = await runBaseline(options, inputs);
  ceiling.recheck = await recheckCeiling(options, ceiling);
  const results: BenchResults = { ceiling, stacks, baseline };
  const targets = checkTargets(results, options.cores);

  printReport(results, options, model.note);
  log('\n## targets (issue 5)');
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
    targets,
  };
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  log(`\nJSON report: ${relative(process.cwd(), out)}`);
}

function printReport(results: BenchResults, options: BenchOptions, modelNote: string): void {
  log(`\n# results — ${modelNote}`);
  log(
    "\n## ceiling (img/s for the whole machine; %best of the best layout; ×base-best: vs the baseline's best img/s)",
  );
  log(ceilingTable(results));
  const recheck = recheckLine(results);
  if (recheck !== undefined) log(recheck);
  const baseline = baselineRun(results);
  for (const run of baseline === undefined ? results.stacks : [...results.stacks, baseline]) {
    const latency = modelLatencyFor(results, run, options.cores);
    log(`\n## ${run.label}`);
    log(
      `(%ceil: of the best ceiling img/s; ×lat1: vs the model alone at batch 1, ${latency.toFixed(1)} ms; ` +
        '×base: vs the baseline, same input and concurrency; load: 1-min load average at the end of the cell)',
    );
    log(cellTable(results, run, latency));
    const errors = errorLines(run);
    if (errors.length > 0) log(['errors (first message of each kind):', ...errors].join('\n'));
    if (run.layout !== undefined) {
      log("where the time goes (medians of the worker's timings; rest = p50 − the three):");
      log(timingsTable(run));
    }
  }
  if ('skipped' in results.baseline) log(`\nbaseline skipped: ${results.baseline.skipped}`);
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
