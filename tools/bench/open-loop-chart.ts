import type { BenchResults, ServerRun } from './results';

/** One line on the chart: a server's open-loop cells, by offered load. */
export interface ChartSeries {
  label: string;
  points: { offeredPerS: number; servedPerS: number; p99Ms: number; idealP99Ms?: number }[];
}

const PANEL = { width: 440, height: 300, left: 64, top: 64, gap: 90 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Every server (stacks, then the baseline) with open-loop cells. */
export function chartSeries(results: Pick<BenchResults, 'stacks' | 'baseline'>): ChartSeries[] {
  const runs: ServerRun[] = [
    ...results.stacks,
    ...('cells' in results.baseline ? [results.baseline] : []),
  ];
  return runs
    .filter((run) => (run.openLoop?.length ?? 0) > 0)
    .map((run) => ({
      label: run.label,
      points: [...(run.openLoop ?? [])]
        .sort((a, b) => a.offeredPerS - b.offeredPerS)
        .map(({ offeredPerS, servedPerS, p99Ms, idealP99Ms, loadShare }) => ({
          offeredPerS,
          servedPerS,
          p99Ms,
          // Above the capacity the ideal server's queue only grows with the schedule's length.
          ...(idealP99Ms !== undefined && loadShare <= 1 ? { idealP99Ms } : {}),
        })),
    }));
}

/** Round tick steps (1, 2 or 5 × 10^k) from 0 to at least `max`. */
function linearTicks(max: number): number[] {
  const raw = Math.max(max, 1e-9) / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  return Array.from({ length: Math.ceil(max / step) + 1 }, (_, i) => i * step);
}

/** Decades covering [min, max], for latencies that span milliseconds to seconds. */
function decadeTicks(min: number, max: number): number[] {
  const from = Math.floor(Math.log10(Math.max(min, 1)));
  const to = Math.max(from + 1, Math.ceil(Math.log10(Math.max(max, 1))));
  return Array.from({ length: to - from + 1 }, (_, i) => 10 ** (from + i));
}

/** A tick value without floating-point noise (0.30000000000000004 → 0.3). */
const label = (value: number) => String(Number(value.toPrecision(6)));

interface Axis {
  ticks: number[];
  at: (value: number) => number;
}

function panel(originX: number, title: string, x: Axis, y: Axis, yLabel: string): string[] {
  const { width, height, top } = PANEL;
  const parts = [
    `<text x="${originX + width / 2}" y="${top - 16}" text-anchor="middle" font-weight="bold">${escapeXml(title)}</text>`,
    `<rect x="${originX}" y="${top}" width="${width}" height="${height}" fill="none" stroke="#999"/>`,
  ];
  for (const t of x.ticks) {
    const px = originX + x.at(t);
    parts.push(`<line x1="${px}" y1="${top}" x2="${px}" y2="${top + height}" stroke="#eee"/>`);
    parts.push(`<text x="${px}" y="${top + height + 16}" text-anchor="middle">${label(t)}</text>`);
  }
  for (const t of y.ticks) {
    const py = top + y.at(t);
    parts.push(
      `<line x1="${originX}" y1="${py}" x2="${originX + width}" y2="${py}" stroke="#eee"/>`,
    );
    parts.push(`<text x="${originX - 6}" y="${py + 4}" text-anchor="end">${label(t)}</text>`);
  }
  parts.push(
    `<text x="${originX + width / 2}" y="${top + height + 36}" text-anchor="middle">offered load (requests/s)</text>`,
    `<text transform="translate(${originX - 48} ${top + height / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`,
  );
  return parts;
}

function polyline(points: [number, number][], colour: string, dashed = false): string[] {
  const d = points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ');
  const dash = dashed ? ' stroke-dasharray="6 4"' : '';
  return [
    `<polyline points="${d}" fill="none" stroke="${colour}" stroke-width="2"${dash}/>`,
    ...(dashed
      ? []
      : points.map(
          ([px, py]) =>
            `<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3.5" fill="${colour}"/>`,
        )),
  ];
}

/** Served throughput and p99 latency against offered load, one line per server, as SVG. */
export function openLoopChart(series: readonly ChartSeries[], title: string): string {
  const points = series.flatMap((s) => s.points);
  const maxRate = Math.max(...points.flatMap((p) => [p.offeredPerS, p.servedPerS]), 1);
  const rateTicks = linearTicks(maxRate);
  const rateMax = rateTicks[rateTicks.length - 1] ?? maxRate;
  const latencies = points
    .flatMap((p) => [p.p99Ms, p.idealP99Ms ?? NaN])
    .filter((ms) => Number.isFinite(ms) && ms > 0);
  const latencyTicks = decadeTicks(Math.min(...latencies, 10), Math.max(...latencies, 100));
  const [lowMs = 1, highMs = 10] = [latencyTicks[0], latencyTicks[latencyTicks.length - 1]];
  const { width, height, left, top, gap } = PANEL;
  const rateX: Axis = { ticks: rateTicks, at: (v) => (v / rateMax) * width };
  const rateY: Axis = { ticks: rateTicks, at: (v) => height - (v / rateMax) * height };
  const logY: Axis = {
    ticks: latencyTicks,
    at: (v) =>
      height -
      ((Math.log10(v) - Math.log10(lowMs)) / (Math.log10(highMs) - Math.log10(lowMs))) * height,
  };
  const right = left + width + gap;
  // Legend rows under the panels: one per server, then the note on the ideal server if any.
  const legendY = (row: number) => top + height + 64 + row * 20;
  const parts = [
    ...panel(left, 'served throughput', rateX, rateY, 'served (answers/s)'),
    ...panel(right, 'p99 latency (log scale)', rateX, logY, 'p99 (ms)'),
    ...polyline(
      [
        [left, top + height],
        [left + width, top],
      ],
      '#999',
      true,
    ),
  ];
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length] ?? '#000';
    parts.push(
      ...polyline(
        s.points.map((p) => [left + rateX.at(p.offeredPerS), top + rateY.at(p.servedPerS)]),
        colour,
      ),
    );
    const timed = s.points.filter((p) => Number.isFinite(p.p99Ms) && p.p99Ms > 0);
    parts.push(
      ...polyline(
        timed.map((p) => [right + rateX.at(p.offeredPerS), top + logY.at(p.p99Ms)]),
        colour,
      ),
    );
    const ideal = s.points.flatMap((p) =>
      p.idealP99Ms !== undefined && p.idealP99Ms > 0
        ? [[right + rateX.at(p.offeredPerS), top + logY.at(p.idealP99Ms)] as [number, number]]
        : [],
    );
    if (ideal.length > 0) parts.push(...polyline(ideal, colour, true));
    parts.push(
      `<rect x="${left}" y="${legendY(i) - 10}" width="14" height="4" fill="${colour}"/>`,
      `<text x="${left + 22}" y="${legendY(i) - 4}">${escapeXml(s.label)}</text>`,
    );
  });
  const idealNote = series.some((s) => s.points.some((p) => p.idealP99Ms !== undefined));
  if (idealNote) {
    parts.push(
      `<text x="${left}" y="${legendY(series.length) - 4}">dashed, right: p99 of an ideal server of the same capacity on the same arrivals (one request at a time, 1/capacity each)</text>`,
    );
  }
  const totalHeight = legendY(series.length + (idealNote ? 1 : 0)) + 8;
  const totalWidth = right + width + 24;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${totalWidth}" height="${totalHeight}" viewBox="0 0 ${totalWidth} ${totalHeight}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="18" font-size="14">${escapeXml(title)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
