import { isErrorBody, type ClassifyResponse, type JobAccepted } from '@imgcls/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from './support/concurrency';
import { heartbeatOf } from './support/heartbeat';
import { classifySync, photo, waitForJob } from './support/jobs';
import { parsePrometheus, total } from './support/prometheus';
import { slowUpload } from './support/slow-upload';
import { startStack, type Stack } from './support/stack';

/** Each job holds the worker's one slot this much longer than its own work: a slow worker. */
const JOB_DELAY_MS = 1_000;
/**
 * About two such jobs (estimates may fill 85% of it): of a burst at an idle worker, two or
 * three fit.
 */
const MAX_QUEUE_WAIT_MS = 2_500;
const BURST = 10;
/** Every body of the burst takes 20 × 250 ms to arrive: a refusal must beat it. */
const SLOW_BODY = { pieces: 20, intervalMs: 250, timeoutMs: 120_000 };
const BODY_MS = (SLOW_BODY.pieces - 1) * SLOW_BODY.intervalMs;

/**
 * Admission by a latency budget, for real: one worker with one slot, slowed by a test-only
 * delay, a small MAX_QUEUE_WAIT_MS, and a burst of slow uploads, sync and async mixed. The few
 * whose wait fits are admitted and start within the budget; the rest get 503 QUEUE_FULL with
 * Retry-After while their bodies are still arriving.
 */
describe('MAX_QUEUE_WAIT_MS: a burst at a slow worker', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      workers: 1,
      env: {
        MAX_QUEUE_WAIT_MS: String(MAX_QUEUE_WAIT_MS),
        TEST_JOB_DELAY_MS: String(JOB_DELAY_MS),
        WORKER_CONCURRENCY: '1',
        // More sessions than slots: the heartbeat still says one job runs at a time.
        INFERENCE_THREADS: '2',
        LONE_JOB_THREADS: '0',
        HEARTBEAT_INTERVAL_MS: '200',
        SYNC_TIMEOUT_MS: '120000',
        JOB_DEADLINE_MS: '120000',
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('admits what can start within the budget and refuses the rest before reading it', async () => {
    // Three jobs one after the other give the worker a rate to report.
    const warmUp: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const started = performance.now();
      const answer = await classifySync(stack.url, (await photo(i)).bytes);
      expect(answer.status).toBe(200);
      warmUp.push(performance.now() - started);
    }
    const beat = await eventually('the rate in the heartbeat', 10_000, async () => {
      const latest = await heartbeatOf(stack.prefix);
      return latest?.recent_job_ms != null ? latest : undefined;
    });
    // Two sessions, but one slot: it runs one job at a time, and says so.
    expect([beat.concurrency, beat.sessions]).toEqual([1, 1]);
    await sleep(2_500); // the api re-reads heartbeats every second, on a timer a busy CPU delays

    const { bytes, wnid } = await photo(10);
    const modes = Array.from({ length: BURST }, (_, i) => (i % 2 === 0 ? 'sync' : 'async'));
    const outcomes = await Promise.all(
      modes.map((mode) => slowUpload(stack.url, bytes, { mode, ...SLOW_BODY })),
    );
    const admitted = outcomes.filter((o) => o.status === 200 || o.status === 202);
    const refused = outcomes.filter((o) => o.status === 503);
    const results = await Promise.all(
      admitted.map(async (o) =>
        o.status === 200
          ? (o.body as ClassifyResponse)
          : (await waitForJob(stack.url, (o.body as JobAccepted).job_id, 60_000)).result,
      ),
    );
    const waits = results.map((r) => r?.timings.queue_wait_ms ?? Infinity);
    // One service time measured before the burst (HTTP included: an upper bound of the slot's).
    const serviceMs = Math.max(...warmUp);
    console.log(
      `warm-up ${warmUp.map(Math.round).join(', ')} ms; ${admitted.length} admitted, waits ` +
        `${waits.map(Math.round).join(', ')} ms; ${refused.length} refused in ` +
        `${refused.map((o) => Math.round(o.ms)).join(', ')} ms (bodies take ${BODY_MS} ms)`,
    );

    expect(outcomes.filter((o) => o.status !== 503 && admitted.indexOf(o) < 0)).toEqual([]);
    expect(results.map((r) => r?.class_id)).toEqual(admitted.map(() => wnid));
    // Two or three fit the budget at an idle worker; one slot and no budget would admit all
    // ten, and the last would wait nine service times.
    expect(admitted.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeGreaterThanOrEqual(BURST - 4);
    // Each starts within the budget; one service time of slack for jobs slower than the recent
    // ones the estimate came from (two cores shared with other test runs).
    for (const wait of waits) expect(wait).toBeLessThanOrEqual(MAX_QUEUE_WAIT_MS + serviceMs);
    for (const o of refused) {
      expect(o.headers['retry-after']).toMatch(/^\d+$/);
      expect(isErrorBody(o.body) && o.body.error.code).toBe('QUEUE_FULL');
      expect(isErrorBody(o.body) && o.body.error.message).toContain(
        `the limit is MAX_QUEUE_WAIT_MS=${MAX_QUEUE_WAIT_MS}, of which an estimate may fill 85%`,
      );
      // Answered while its body was still being sent (the last piece goes at BODY_MS).
      expect(o.ms).toBeLessThan(BODY_MS);
    }
    const metrics = parsePrometheus(await (await fetch(`${stack.url}/metrics`)).text());
    const counted = total(metrics, 'imgcls_api_rejections_total', { code: 'QUEUE_FULL' });
    expect(counted).toBe(refused.length);
  });
});
