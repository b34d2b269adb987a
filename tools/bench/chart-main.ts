/**
 * `npm run bench:chart -- <report.json> [--out <file.svg>]`: the open-loop chart (served
 * throughput and p99 against offered load, one line per server) from a bench run's JSON.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chartSeries, openLoopChart } from './open-loop-chart';
import type { BenchResults } from './results';

const USAGE =
  'usage: npm run bench:chart -- <report.json> [--out <file.svg>] (default: beside the report, -open-loop.svg)';

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [report] = positionals;
  if (values.help || report === undefined) return console.log(USAGE);
  const run = JSON.parse(readFileSync(report, 'utf8')) as BenchResults & {
    model?: { name?: string };
    startedAt?: string;
  };
  if (!Array.isArray(run.stacks) || typeof run.baseline !== 'object') {
    throw new Error(`${report} is not a bench report (no stacks or baseline)`);
  }
  const series = chartSeries(run);
  if (series.length === 0)
    throw new Error(`${report} has no open-loop cells; run the bench with --open-loop`);
  const out = values.out ?? `${report.replace(/\.json$/, '')}-open-loop.svg`;
  const title = `open loop, ${run.model?.name ?? '?'}, ${run.startedAt ?? ''}`;
  writeFileSync(`${out}.part`, openLoopChart(series, title));
  renameSync(`${out}.part`, out);
  console.log(`bench:chart: wrote ${out} (${series.length} servers)`);
}

try {
  main();
} catch (error: unknown) {
  console.error(`bench:chart: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
