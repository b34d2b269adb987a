import { chartSeries, openLoopChart, type ChartSeries } from './open-loop-chart';
import type { OpenLoopResult } from './open-loop';
import type { ServerRun } from './results';

const cell = (offeredPerS: number, servedPerS: number, p99Ms: number, more = {}) =>
  ({ offeredPerS, servedPerS, p99Ms, ...more }) as OpenLoopResult;

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

  it('draws the ideal server of the same capacity dashed, up to the capacity only', () => {
    const [stack] = chartSeries({
      stacks: [
        {
          label: 'a',
          cells: [],
          openLoop: [
            cell(10, 10, 80, { loadShare: 0.5, idealP99Ms: 60 }),
            cell(16, 16, 300, { loadShare: 0.8, idealP99Ms: 250 }),
            cell(30, 20, 5000, { loadShare: 1.5, idealP99Ms: 9000 }),
          ],
        },
      ],
      baseline: { label: 'base', cells: [] },
    });
    expect(stack?.points.map((p) => p.idealP99Ms)).toEqual([60, 250, undefined]);
    const drawn = openLoopChart(stack === undefined ? [] : [stack], 'ideal');
    // served, p99, then the ideal p99: a dashed line of two points beside the diagonal.
    expect(drawn.match(/<polyline /g)).toHaveLength(4);
    expect(drawn.match(/stroke-dasharray/g)).toHaveLength(2);
    expect(drawn.match(/<circle /g)).toHaveLength(6);
    expect(drawn).toContain('dashed, right: p99 of an ideal server of the same capacity');
    expect(svg).not.toContain('ideal server');
  });
});
