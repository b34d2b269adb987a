import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import IORedis from 'ioredis';
import { REPO_ROOT, sharedDir, TEST_REDIS_URL } from '@imgcls/testing';
import { dequantizeFile } from '../quantize/dequantize-file';
import { findBaseline } from './baseline';
import type { ModelSpeed } from './speed-comparison';
import { idealLatenciesMs } from './ideal-queue';
import { poissonArrivals } from './poisson-arrivals';
import { quantile } from './stats';
import type { BenchResults, ServerRun } from './results';
import type { TargetCheck } from './target-check';

const run = promisify(execFile);
const escapeLabel = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

type Report = BenchResults & {
  targets: TargetCheck[];
  model: { testModel: boolean };
  speed: ModelSpeed[];
};

/**
 * `npm run bench -- --smoke` for real, as a user runs it: the model alone, the built api and a
 * worker on the shared Redis, and the Python baseline where its dependencies are installed.
 * Only checks that every section ran and cleaned up; the figures are for people to read.
 */
describe('npm run bench -- --smoke', () => {
  let dir: string;
  let report: Report;
  let stdout: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-'));
    const out = join(dir, 'report.json');
    // The stand-in fp32/INT8 pair until the INT8 DenseNet exists: the zoo's MobileNetV2 INT8
    // and its float copy.
    const float = join(dir, 'mobilenetv2-float.onnx');
    dequantizeFile(join(sharedDir(), 'assets/models/mobilenetv2-12-int8.onnx'), float);
    const tsx = require.resolve('tsx/cli');
    const args = [
      '--tsconfig',
      'tools/tsconfig.json',
      'tools/bench/main.ts',
      '--smoke',
      '--models',
      `${float},mobilenetv2-12-int8`,
      '--out',
      out,
    ];
    ({ stdout } = await run(process.execPath, [tsx, ...args], {
      cwd: REPO_ROOT,
      timeout: 110_000,
    }));
    report = JSON.parse(readFileSync(out, 'utf8')) as Report;
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('measures the ceiling and drives the stack over HTTP without errors', () => {
    expect(report.ceiling.best.imgPerS).toBeGreaterThan(0);
    const [stack] = report.stacks;
    expect(stack?.cells.map((cell) => cell.input)).toEqual(['photos', '12mp']);
    expect(stack?.cells.every((cell) => cell.errors === 0)).toBe(true);
    expect(stack?.cells.some((cell) => cell.completed > 0 && cell.timings !== undefined)).toBe(
      true,
    );
  });

  it('charges each image its CPU time in the api, the workers, Redis and the load generator', () => {
    const [stack] = report.stacks;
    const cpu = stack?.cells.find((cell) => cell.completed > 0)?.cpu;
    expect(Object.keys(cpu?.byProcess ?? {}).sort()).toEqual(
      ['api', 'load generator', 'redis', 'workers'].sort(),
    );
    // A worker decodes and runs the model for every image: tens of ms, never nothing.
    expect(cpu?.byProcess.workers).toBeGreaterThan(5);
    expect(cpu?.totalMs).toBeCloseTo(
      Object.values(cpu?.byProcess ?? {}).reduce((sum, ms) => sum + ms, 0),
      6,
    );
    expect(stdout).toContain('CPU ms per image over the window');
  });

  it('splits the api’s and the workers’ CPU by kind of thread', () => {
    const [stack] = report.stacks;
    const cpu = stack?.cells.find((cell) => cell.input === 'photos' && cell.completed > 0)?.cpu;
    const byThread = cpu?.byThread ?? {};
    // Every photo is read by the api's event loop, decoded by libvips, run by a model thread.
    for (const key of ['api main', 'workers main', 'workers decoder', 'workers model'])
      expect(byThread[key]).toBeGreaterThan(0);
    // The model's threads are most of a worker's CPU, and the kinds add up to the process, to
    // within rounding: /proc gives each thread's time in whole 10 ms ticks, ~25 threads round on
    // their own, and a smoke cell answers a few dozen photos (a CI run: 52.2 against 53.0 ms).
    const total = cpu?.byProcess.workers ?? NaN;
    expect(byThread['workers model']).toBeGreaterThan(total / 2);
    const workers = ['main', 'decoder', 'model', 'other'].map((k) => byThread[`workers ${k}`] ?? 0);
    const summed = workers.reduce((sum, ms) => sum + ms, 0);
    expect(Math.abs(summed - total)).toBeLessThanOrEqual(0.1 * total);
    expect(stdout).toContain('by thread: main = event loop');
  });

  it('runs the baseline wherever its Python packages are installed, else says why not', () => {
    const settings = findBaseline('densenet121-synthetic', process.env.PYTHON);
    if (typeof settings === 'string') {
      expect(report.baseline).toEqual({ skipped: settings });
      expect(stdout).toContain(`baseline skipped: ${settings}`);
      return;
    }
    expect('cells' in report.baseline).toBe(true);
    const baseline = report.baseline as ServerRun;
    expect(baseline.baseline?.torch_threads).toBeGreaterThan(0);
    expect(baseline.cells.map((cell) => cell.errors)).toEqual([0, 0]);
  });

  it('says it ran on the test model and prints every target', () => {
    expect(report.model.testModel).toBe(true);
    expect(stdout).toContain('TEST model');
    expect(report.targets.map((check) => check.id.split(':')[0])).toEqual([
      'int8-speedup',
      'photo-throughput',
      'speedup-over-baseline',
      'cpu-outside-model',
      'single-request-overhead',
      '12mp-throughput',
      'overload-tail',
      'open-loop-tail',
      'open-loop-shedding',
    ]);
    expect(stdout).toMatch(/^(PASS|FAIL|SKIP) photo-throughput: /m);
  });

  it('compares two models alone, alternating, and judges the speed-up only from 30 runs', () => {
    expect(report.speed.map((s) => [s.model, s.runs])).toEqual([
      ['mobilenetv2-float.onnx', 3],
      ['mobilenetv2-12-int8', 3],
    ]);
    expect(report.speed.every((s) => s.p50Ms > 0 && Number.isFinite(s.speedup))).toBe(true);
    const check = report.targets.find((t) => t.id.startsWith('int8-speedup:'));
    expect(check?.stack).toBe('model alone');
    expect(check?.pass).toBeUndefined(); // not in the JSON: not judged
    expect(stdout).toMatch(
      /^SKIP int8-speedup: mobilenetv2-12-int8 ≥ 1\.9× mobilenetv2-float\.onnx/m,
    );
    expect(stdout).toMatch(/^mobilenetv2-12-int8\s+3\s+[\d.]+.*×$/m);
  });

  it('sends open-loop Poisson arrivals at half the capacity it measured, charges their CPU, and charts them', () => {
    const [stack] = report.stacks;
    const capacity = Math.max(
      ...(stack?.cells ?? []).filter((c) => c.input === 'photos').map((c) => c.imgPerS),
    );
    const [cell] = stack?.openLoop ?? [];
    expect(cell).toMatchObject({ input: 'photos', loadShare: 0.5, capacityImgPerS: capacity });
    // Exactly the seeded schedule was sent, and every request was answered.
    expect(cell?.sent).toBe(poissonArrivals(capacity / 2, 2000, 1).length);
    expect(cell?.ok).toBe(cell?.sent);
    if ((cell?.ok ?? 0) > 0) expect(cell?.p99Ms).toBeGreaterThan(0);
    // Beside it, the same schedule through an ideal server of that capacity.
    const ideal = idealLatenciesMs(poissonArrivals(capacity / 2, 2000, 1), capacity);
    expect(cell?.idealP99Ms).toBe(quantile(ideal, 0.99));
    expect(stdout).toMatch(/ideal p99 ms/);
    // What each served answer cost the machine over the schedule, as for the closed-loop cells.
    expect(Object.keys(cell?.cpu?.byProcess ?? {}).sort()).toEqual(
      ['api', 'load generator', 'redis', 'workers'].sort(),
    );
    expect(cell?.cpu?.byProcess.workers).toBeGreaterThan(5);
    expect(cell?.cpu?.byThread?.['workers model']).toBeGreaterThan(0);
    expect(stdout).toContain('CPU ms per served answer over the schedule:');
    const chart = readFileSync(join(dir, 'report-open-loop.svg'), 'utf8');
    expect(chart).toContain(escapeLabel(stack?.label ?? ''));
    expect(stdout).toContain('open loop (seed 1, 2 s each):');
  });

  it('measures what a refusal costs: an api whose queue is full refuses every photo', () => {
    const refusals = report.refusals;
    expect(refusals?.concurrency).toBe(2);
    expect(refusals?.refusals).toBeGreaterThan(0);
    expect(refusals?.p99Ms).toBeGreaterThan(0);
    expect(refusals?.others).toEqual({});
    expect(refusals?.withRetryAfterShare).toBe(1);
    // A refused photo is discarded unread and its connection kept for the next request.
    expect(refusals?.connectionsPerAnswer).toBeLessThan(0.5);
    expect(Object.keys(refusals?.cpu?.byProcess ?? {}).sort()).toEqual(
      ['api', 'load generator', 'redis'].sort(),
    );
    expect(refusals?.cpu?.byProcess.api).toBeGreaterThan(0);
    expect(stdout).toContain('## refusals: the api alone, its queue full');
  });

  it('leaves nothing in Redis under the stacks’ prefixes', async () => {
    const prefixes = [report.stacks[0]?.queuePrefix, report.refusals?.queuePrefix];
    const redis = new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      for (const prefix of prefixes) {
        expect(prefix).toMatch(/^test-bench-/);
        expect(await redis.keys(`${prefix}:*`)).toEqual([]);
      }
    } finally {
      redis.disconnect();
    }
  });
});
