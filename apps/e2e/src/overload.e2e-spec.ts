import { isErrorBody, type ClassifyResponse } from '@imgcls/contracts';
import { photo } from './support/jobs';
import { leaksIn } from './support/leak-scan';
import {
  closedLoop,
  okRate,
  openLoop,
  percentile,
  probeHealth,
  type LoadPhoto,
  type Probe,
  type TimedAnswer,
} from './support/load';
import { startStack, type Stack } from './support/stack';

const MAX_QUEUE_DEPTH = 8;
const CONCURRENCY = 4;
const CAPACITY_MS = 5_000;
const BURST_MS = 20_000;
const BURST_FACTOR = 3;
/** Bounds the burst whatever capacity was measured. */
const MAX_BURST_REQUESTS = 1_200;
const RECOVERY_WINDOW_MS = 2_000;
const RECOVERY_LIMIT_MS = 5_000;
const RECOVERY_SHARE = 0.7;

const ms = (value: number): string => `${Math.round(value)} ms`;
const stats = (values: readonly number[]) =>
  `p50 ${ms(percentile(values, 50))}, p95 ${ms(percentile(values, 95))}, max ${ms(Math.max(...values))}`;

/**
 * Overload: measure capacity in a closed loop, then fire 3× that rate in an open loop for 20 s
 * at a small MAX_QUEUE_DEPTH. The excess must be refused at once (503 QUEUE_FULL, Retry-After),
 * everything admitted must be right, the probes must answer, and throughput must come back.
 */
describe('overload: an open-loop burst at 3× capacity', () => {
  let stack: Stack;
  let photos: LoadPhoto[];

  beforeAll(async () => {
    stack = await startStack({
      workers: 1,
      env: { MAX_QUEUE_DEPTH: String(MAX_QUEUE_DEPTH), SYNC_TIMEOUT_MS: '60000' },
    });
    photos = await Promise.all(Array.from({ length: 40 }, (_, i) => photo(i * 5)));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses the excess fast, answers what it admits correctly, and recovers', async () => {
    await closedLoop(stack.url, photos, { concurrency: 2, durationMs: 1_000, maxRequests: 10 }); // warm-up
    const capacityStart = performance.now();
    const measured = await closedLoop(stack.url, photos, {
      concurrency: CONCURRENCY,
      durationMs: CAPACITY_MS,
      maxRequests: 200,
    });
    const capacity = okRate(measured, capacityStart, performance.now());
    expect(measured.every((a) => a.status === 200)).toBe(true);
    expect(capacity).toBeGreaterThan(0);

    const ratePerS = Math.min(BURST_FACTOR * capacity, MAX_BURST_REQUESTS / (BURST_MS / 1000));
    let burstOver = false;
    const health = probeHealth(stack.url, () => burstOver);
    const burst = await openLoop(stack.url, photos, {
      ratePerS,
      durationMs: BURST_MS,
      maxRequests: MAX_BURST_REQUESTS,
    });
    const burstEnd = performance.now();
    // New clients keep coming after the burst; their throughput shows the recovery.
    const after = closedLoop(stack.url, photos, {
      concurrency: CONCURRENCY,
      durationMs: 9_000,
      maxRequests: 200,
      firstPhoto: 7,
    });
    const answers = await burst.answers;
    const drainedAt = Math.max(...answers.map((a) => a.endedAt));
    burstOver = true;
    const [probes, recovery] = await Promise.all([health, after]);

    const admitted = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 503);
    const refusedMs = refused.map((a) => a.headersMs);
    const recoveredAt = firstWindowAtRate(recovery, drainedAt, RECOVERY_SHARE * capacity);
    console.log(
      summary({
        capacity,
        ratePerS,
        answers,
        probes,
        recovery,
        measured,
        burstEnd,
        drainedAt,
        recoveredAt,
        serverMs: stack.api
          .logEntries('request')
          .filter((entry) => entry['status'] === 503)
          .map((entry) => Number(entry['duration_ms'])),
      }),
    );

    expect(answers.filter((a) => a.status !== 200 && a.status !== 503)).toEqual([]);
    expect(refused.length).toBeGreaterThan(0);
    expect(admitted.length).toBeGreaterThan(0);
    for (const answer of refused) expectQueueFull(answer, stack.prefix);
    expect(percentile(refusedMs, 95)).toBeLessThan(50);
    const wrong = admitted.filter(
      (a) => (a.body as ClassifyResponse).class_id !== photos[a.photo % photos.length]?.wnid,
    );
    expect(wrong.map((a) => a.photo)).toEqual([]);
    expect(probes.length).toBeGreaterThan(10);
    expect(probes.filter((p) => p.status !== 200 || p.ms >= 1_000)).toEqual([]);
    expect(recovery.filter((a) => a.status !== 200 && a.status !== 503)).toEqual([]);
    expect(recoveredAt).toBeDefined();
    expect((recoveredAt ?? Infinity) - drainedAt).toBeLessThanOrEqual(RECOVERY_LIMIT_MS);
  });
});

function expectQueueFull(answer: TimedAnswer, prefix: string): void {
  expect(answer.headers['retry-after']).toMatch(/^\d+$/);
  expect(isErrorBody(answer.body) && answer.body.error.code).toBe('QUEUE_FULL');
  expect(leaksIn(answer.body, prefix)).toEqual([]);
}

/**
 * The end of the first `RECOVERY_WINDOW_MS` window, after `from`, in which the closed loop's
 * successes reached `rate` per second; undefined if none did.
 */
function firstWindowAtRate(
  answers: readonly TimedAnswer[],
  from: number,
  rate: number,
): number | undefined {
  const ends = answers
    .filter((a) => a.status === 200 && a.endedAt >= from + RECOVERY_WINDOW_MS)
    .map((a) => a.endedAt)
    .sort((a, b) => a - b);
  return ends.find((end) => okRate(answers, end - RECOVERY_WINDOW_MS, end) >= rate);
}

interface RunFacts {
  capacity: number;
  ratePerS: number;
  answers: TimedAnswer[];
  probes: Probe[];
  measured: TimedAnswer[];
  recovery: TimedAnswer[];
  burstEnd: number;
  drainedAt: number;
  recoveredAt: number | undefined;
  /** The api's own duration_ms for its 503s (from its request log). */
  serverMs: number[];
}

/** The numbers of one run, for the log. */
function summary(run: RunFacts): string {
  const { answers, burstEnd, drainedAt, recoveredAt } = run;
  const admitted = answers.filter((a) => a.status === 200);
  const refused = answers.filter((a) => a.status === 503);
  const recovered =
    recoveredAt === undefined
      ? 'NEVER'
      : `${ms(recoveredAt - drainedAt)} after the drain, ${ms(recoveredAt - burstEnd)} after the burst`;
  return [
    `capacity ${run.capacity.toFixed(2)} img/s (closed loop, ${CONCURRENCY} clients, ${CAPACITY_MS} ms)`,
    `burst ${run.ratePerS.toFixed(2)} req/s for ${BURST_MS} ms: ${answers.length} sent, ` +
      `${admitted.length} admitted (200), ${refused.length} refused (503), ` +
      `other ${answers.length - admitted.length - refused.length}`,
    `503 request start → headers: ${stats(refused.map((a) => a.headersMs))}; ` +
      `api-side ${stats(run.serverMs)}; 200 latency: ${stats(admitted.map((a) => a.totalMs))}`,
    `health probes during the burst: ${run.probes.length}, ${stats(run.probes.map((p) => p.ms))}`,
    `admitted backlog drained ${ms(drainedAt - burstEnd)} after the burst; closed loop back to ` +
      `≥${RECOVERY_SHARE * 100}% of capacity (${RECOVERY_WINDOW_MS} ms window) ${recovered}`,
    `after the burst, per second (200/503): ${perSecond(run.recovery, burstEnd)}`,
    `medians before → after the burst: ${breakdown(run.measured)} → ${breakdown(run.recovery)}`,
  ].join('\n');
}

/** `ok/refused` per whole second after `from`, for the log. */
function perSecond(answers: readonly TimedAnswer[], from: number): string {
  const seconds = Math.ceil((Math.max(...answers.map((a) => a.endedAt)) - from) / 1000);
  return Array.from({ length: Math.max(0, seconds) }, (_, s) => {
    const inSecond = answers.filter((a) => Math.floor((a.endedAt - from) / 1000) === s);
    return `${inSecond.filter((a) => a.status === 200).length}/${inSecond.filter((a) => a.status === 503).length}`;
  }).join(' ');
}

/** Medians of the worker's timings and of what is left for the api, Redis and the client. */
function breakdown(answers: readonly TimedAnswer[]): string {
  const ok = answers.filter((a) => a.status === 200);
  const timings = ok.map((a) => (a.body as ClassifyResponse).timings);
  const worker = timings.map((t) => t.queue_wait_ms + t.preprocess_ms + t.inference_ms);
  const rest = ok.map((a, i) => a.totalMs - (worker[i] ?? 0));
  const median = (values: number[]) => ms(percentile(values, 50));
  return (
    `queue ${median(timings.map((t) => t.queue_wait_ms))}, preprocess ${median(timings.map((t) => t.preprocess_ms))}, ` +
    `inference ${median(timings.map((t) => t.inference_ms))}, rest ${median(rest)}`
  );
}
