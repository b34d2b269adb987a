import type { CpuPerImage } from './cpu';
import type { CellResult } from './load';
import type { RefusalResult } from './refusal-cost';
import {
  baselineRun,
  batchOneLatencyMs,
  findCell,
  type BenchResults,
  type ServerRun,
} from './results';
import { ratio } from './stats';

/** A figure, or "—" where it is missing (no baseline, no cell, nothing completed). */
const num = (value: number, digits = 1): string =>
  Number.isFinite(value) ? value.toFixed(digits) : '—';
const times = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '—');
const pct = (value: number): string =>
  Number.isFinite(value) ? `${(value * 100).toFixed(0)}%` : '—';

export function table(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

export function ceilingTable(results: BenchResults): string {
  const best = results.ceiling.best.imgPerS;
  const baselineBest = Math.max(...(baselineRun(results)?.cells.map((c) => c.imgPerS) ?? [NaN]));
  const rows = results.ceiling.layouts.map((l) => [
    l === results.ceiling.best ? `${l.label} (best)` : l.label,
    num(l.imgPerS),
    pct(ratio(l.imgPerS, best)),
    times(ratio(l.imgPerS, baselineBest)),
    num(l.runP50Ms),
    num(l.runP50Ms / l.batch),
  ]);
  return table(['layout', 'img/s', '%best', '×base-best', 'run p50 ms', 'ms/img'], rows);
}

/**
 * One server's cells. Throughput is shown against the ceiling (the best model-alone img/s) and
 * the baseline at the same input and concurrency; each latency against the model's batch-1
 * latency at the server's thread count and the baseline's same percentile.
 */
export function cellTable(results: BenchResults, run: ServerRun, modelLatencyMs: number): string {
  const base = run.baseline === undefined ? baselineRun(results) : undefined;
  const ceiling = results.ceiling.best.imgPerS;
  const rows = run.cells.map((cell) => {
    const b = findCell(base, cell.input, cell.concurrency);
    const latency = (key: 'p50Ms' | 'p90Ms' | 'p99Ms') => [
      num(cell[key]),
      times(ratio(cell[key], modelLatencyMs)),
      times(ratio(cell[key], b?.[key])),
    ];
    return [
      `${cell.input} c=${cell.concurrency}`,
      num(cell.imgPerS),
      pct(ratio(cell.imgPerS, ceiling)),
      num(cell.ceilingNowImgPerS ?? NaN),
      times(ratio(cell.imgPerS, b?.imgPerS)),
      ...latency('p50Ms'),
      ...latency('p90Ms'),
      ...latency('p99Ms'),
      String(cell.errors),
      `${cell.correct}/${cell.completed}`,
      num(cell.loadAverage),
    ];
  });
  const lat = (p: string) => [`${p} ms`, '×lat1', '×base'];
  return table(
    [
      'cell',
      'img/s',
      '%ceil',
      'ceil now',
      '×base',
      ...lat('p50'),
      ...lat('p90'),
      ...lat('p99'),
      'err',
      'top1 ok/n',
      'load',
    ],
    rows,
  );
}

/** Where a request's time goes, from the worker's own timings in each answer (medians). */
export function timingsTable(run: ServerRun): string {
  const rows = run.cells.flatMap((cell: CellResult) => {
    const t = cell.timings;
    if (t === undefined) return [];
    const rest = cell.p50Ms - t.queueWaitMs - t.preprocessMs - t.inferenceMs;
    return [
      [
        `${cell.input} c=${cell.concurrency}`,
        num(cell.p50Ms),
        num(t.queueWaitMs),
        num(t.preprocessMs),
        num(t.inferenceMs),
        num(rest),
      ],
    ];
  });
  return table(
    ['cell', 'p50 ms', 'queue_wait', 'preprocess', 'inference', 'rest (http, redis, api)'],
    rows,
  );
}

/**
 * CPU per answered image over each cell's window, by process, from /proc: what each image
 * costs the machine, set against the model alone at the ceiling (cores / ceiling img/s).
 */
export function cpuTable(results: BenchResults, run: ServerRun, cores: number): string | undefined {
  const rows = run.cells.flatMap((cell) =>
    cell.cpu === undefined ? [] : [{ name: `${cell.input} c=${cell.concurrency}`, cpu: cell.cpu }],
  );
  if (rows.length === 0) return undefined;
  const modelMs = (cores * 1000) / results.ceiling.best.imgPerS;
  return [
    `CPU ms per image over the window (the model alone at the ceiling: ${num(modelMs)} ms of core time per image):`,
    ...cpuTables('cell', rows),
  ].join('\n');
}

/**
 * CPU per image of some rows (closed-loop cells, open-loop loads): by process, with the total
 * and the core time nobody watched used; then by kind of thread (cpu.ts's threadKind), which
 * sets the model's own threads against the ceiling's share and shows where the rest goes.
 */
export function cpuTables(
  first: string,
  rows: readonly { name: string; cpu: CpuPerImage }[],
): string[] {
  const labels = [...new Set(rows.flatMap(({ cpu }) => Object.keys(cpu.byProcess)))];
  const byProcess = table(
    [first, ...labels, 'total', 'unused'],
    rows.map(({ name, cpu }) => [
      name,
      ...labels.map((label) => num(cpu.byProcess[label] ?? NaN)),
      num(cpu.totalMs),
      num(cpu.unaccountedMs),
    ]),
  );
  const keys = [...new Set(rows.flatMap(({ cpu }) => Object.keys(cpu.byThread ?? {})))];
  if (keys.length === 0) return [byProcess];
  return [
    byProcess,
    'by thread: main = event loop, decoder = libvips, model = the threads at INFERENCE_NICE ' +
      'above main (0: counted in other), other = V8 and libuv helpers; a thread that ended ' +
      'inside the window is missing:',
    table(
      [first, ...keys],
      rows.map(({ name, cpu }) => [name, ...keys.map((key) => num(cpu.byThread?.[key] ?? NaN))]),
    ),
  ];
}

/** What a refusal cost: its rate and latency, whether connections survived it, its CPU. */
export function refusalTable(r: RefusalResult): string {
  const others = Object.entries(r.others).map(([kind, count]) => `${count}× ${kind}`);
  const outcomes = table(
    ['clients', 'refusals/s', 'p50 ms', 'p90 ms', 'p99 ms', 'Retry-After', 'conn/answer', 'other'],
    [
      [
        String(r.concurrency),
        num(r.refusalsPerS, 0),
        num(r.p50Ms),
        num(r.p90Ms),
        num(r.p99Ms),
        pct(r.withRetryAfterShare),
        num(r.connectionsPerAnswer, 2),
        others.length === 0 ? 'none' : others.join(', '),
      ],
    ],
  );
  if (r.cpu === undefined) return outcomes;
  const cpu = cpuTables('CPU ms per refusal', [{ name: 'over the window', cpu: r.cpu }]);
  return [outcomes, ...cpu].join('\n');
}

/** The model-alone batch-1 latency a server's requests are compared with. */
export function modelLatencyFor(results: BenchResults, run: ServerRun, cores: number): number {
  // A stack's request runs in one session: the worker's default is one thread per session.
  const threads = run.layout
    ? (run.layout.intraOpThreads ?? 1)
    : (run.baseline?.torch_threads ?? cores);
  return (
    batchOneLatencyMs(results.ceiling, threads)?.runP50Ms ??
    batchOneLatencyMs(results.ceiling, cores)?.runP50Ms ??
    NaN
  );
}

/** Each kind of failure once, with the server's own message, so a reader knows what went wrong. */
export function errorLines(run: ServerRun): string[] {
  return run.cells.flatMap((cell) =>
    Object.entries(cell.errorKinds).map(
      ([kind, count]) =>
        `  ${cell.input} c=${cell.concurrency}: ${count}× ${kind} ("${cell.errorExamples[kind] ?? ''}")`,
    ),
  );
}
