import { chartSeries, openLoopChart, type ChartSeries } from './open-loop-chart';
import type { OpenLoopResult } from './open-loop';
import type { ServerRun } from './results';

const cell = (offeredPerS: number, servedPerS: number, p99Ms: number) =>
  ({ offeredPerS, servedPerS, p99Ms }) as OpenLoopResult;

describe('the open-loop chart', () => {
  const series: ChartSeries[] = [
    { label: 'stack <1 worker>', points: [cell(15, 15, 60), cell(24, 24, 90), cell(45, 29, 2400)] },
    { label: 'baseline', points: [cell(5, 5, 400), cell(8, 8, 900), cell(15, 9, 30_000)] },
  ];
  const svg = openLoopChart(series, 'open loop & more');

  it('draws served throughput and p99 for every server, with the served = offered diagonal', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(1 + 2 * series.length);
    expect(svg.match(/<circle /g)).toHaveLength(2 * 6);
    expect(svg).toContain('stroke-dasharray');
  });

  it('puts latencies on decades covering every p99, and escapes labels', () => {
    for (const tick of ['>10<', '>100<', '>1000<', '>10000<', '>100000<'])
      expect(svg).toContain(tick);
    expect(svg).toContain('stack &lt;1 worker&gt;');
    expect(svg).toContain('open loop &amp; more');
    expect(svg).not.toContain('NaN');
  });

  it('takes the servers with open-loop cells from a report, sorted by offered load', () => {
    const run = (label: string, openLoop?: OpenLoopResult[]): ServerRun => ({
      label,
      cells: [],
      openLoop,
    });
    const picked = chartSeries({
      stacks: [run('a', [cell(2, 2, 10), cell(1, 1, 5)]), run('b')],
      baseline: run('base', [cell(1, 1, 50)]),
    });
    expect(picked.map((s) => s.label)).toEqual(['a', 'base']);
    expect(picked[0]?.points.map((p) => p.offeredPerS)).toEqual([1, 2]);
  });
});
