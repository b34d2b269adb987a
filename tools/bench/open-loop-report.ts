import type { OpenLoopResult } from './open-loop';
import { cpuTables, table } from './report';
import type { ServerRun } from './results';

const num = (value: number, digits = 1): string =>
  Number.isFinite(value) ? value.toFixed(digits) : '—';
const pct = (value: number): string =>
  Number.isFinite(value) ? `${(value * 100).toFixed(0)}%` : '—';

export const OPEN_LOOP_LEGEND = `
Open loop, one row per load (a share of the server's capacity: its best closed-loop img/s on the photos in this run):
  offered/s   requests sent per second, on a seeded Poisson schedule, whatever the server does
  served/s    successful answers that ended within the schedule, per second; served/cap against the capacity
  p50 … p99.9 latency of every successful answer, from the moment its request was due, drain included
  ideal p99   the same arrivals through an ideal server of the same capacity: one request at a time,
              1/capacity each, nothing else to do; the shortest tail a FIFO server of this capacity can
              have (above 100% it grows with the schedule: the ideal server refuses nothing)
  503         refusals (of the errors), how many had Retry-After, and their p99 latency
  lag         the load generator's worst delay behind the schedule (large: the load was not open)
  CPU         ms of CPU per served answer over the schedule, refused and late requests' work included`;

function row(r: OpenLoopResult): string[] {
  const errors = Object.entries(r.errorKinds).map(([kind, count]) => `${count}× ${kind}`);
  return [
    `photos ${pct(r.loadShare)} of ${num(r.capacityImgPerS)}`,
    num(r.offeredPerS),
    num(r.servedPerS),
    pct(r.servedPerS / r.capacityImgPerS),
    num(r.p50Ms, 0),
    num(r.p90Ms, 0),
    num(r.p99Ms, 0),
    num(r.p999Ms, 0),
    num(r.idealP99Ms ?? NaN, 0),
    `${r.ok}/${r.sent}`,
    `${r.refusals.count} (${r.refusals.withRetryAfter})`,
    num(r.refusals.p99Ms, 0),
    num(r.maxSendLagMs, 0),
    num(r.loadAverage),
    errors.length === 0 ? '0' : errors.join(', '),
  ];
}

/** One server's open-loop cells, then what each served answer cost the machine at each load. */
export function openLoopTable(run: ServerRun): string | undefined {
  if (!run.openLoop?.length) return undefined;
  const header = [
    'load',
    'offered/s',
    'served/s',
    'served/cap',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'p99.9 ms',
    'ideal p99 ms',
    'ok/sent',
    '503 (Retry-After)',
    '503 p99 ms',
    'lag ms',
    'load avg',
    'errors',
  ];
  const cpuRows = run.openLoop.flatMap((r) =>
    r.cpu === undefined ? [] : [{ name: `photos ${pct(r.loadShare)}`, cpu: r.cpu }],
  );
  return [
    table(header, run.openLoop.map(row)),
    ...(cpuRows.length === 0
      ? []
      : ['CPU ms per served answer over the schedule:', ...cpuTables('load', cpuRows)]),
  ].join('\n');
}
