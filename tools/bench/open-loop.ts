import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { CpuWindow, type CpuPerImage, type CpuWatch } from './cpu';
import { createPool } from './http-post';
import type { InputSet, Payload } from './inputs';
import { countErrors, timedRequest, type Sample } from './load';
import { idealLatenciesMs } from './ideal-queue';
import { poissonArrivals } from './poisson-arrivals';
import { quantile } from './stats';

export interface OpenLoopPlan extends CpuWatch {
  /** This load as a share of the capacity (0.5, 0.8, 1.5). */
  loadShare: number;
  /** The server's capacity measured in this run: its best closed-loop img/s on this input. */
  capacityImgPerS: number;
  durationMs: number;
  seed: number;
  requestTimeoutMs: number;
}

/** One open-loop cell: requests sent on a Poisson schedule, whatever the server does. */
export interface OpenLoopResult {
  input: string;
  loadShare: number;
  capacityImgPerS: number;
  /** Requests sent per second over the schedule's duration. */
  offeredPerS: number;
  /** Successful answers that ended within the schedule's duration, per second. */
  servedPerS: number;
  sent: number;
  /** Successful answers, including those that ended after the schedule (the drain). */
  ok: number;
  /** Latency of every successful answer, from the moment its request was due. */
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  /**
   * p99 of the same arrivals through an ideal server of exactly this capacity (ideal-queue.ts):
   * the least tail a FIFO server of this capacity can have on this schedule.
   */
  idealP99Ms?: number;
  errors: number;
  errorKinds: Record<string, number>;
  errorExamples: Record<string, string>;
  /** `503` answers: refusals by admission control (a kind of error above too). */
  refusals: { count: number; withRetryAfter: number; p99Ms: number };
  /** The load generator's worst delay behind the schedule: large means the figures are not open loop. */
  maxSendLagMs: number;
  loadAverage: number;
  /**
   * CPU per served answer over the schedule, by process, the load generator included: what an
   * answer costs the machine at this load, refused and queued requests' work included.
   */
  cpu?: CpuPerImage;
}

// Sockets enough that no request waits for one in the client (which would close the loop).
const MAX_SOCKETS = 1024;

/**
 * Sends `loadShare × capacity` requests per second for `durationMs` on a seeded Poisson
 * schedule, never waiting for answers before sending, then waits for every answer. Closed-loop
 * clients slow down with the server and hide its queue; these arrivals do not.
 */
export async function runOpenLoop(
  url: URL,
  inputs: InputSet,
  plan: OpenLoopPlan,
): Promise<OpenLoopResult> {
  const ratePerS = plan.loadShare * plan.capacityImgPerS;
  const arrivals = poissonArrivals(ratePerS, plan.durationMs, plan.seed);
  const agent = createPool(MAX_SOCKETS);
  const pending: Promise<Sample>[] = [];
  let maxSendLagMs = 0;
  const cpuWindow = new CpuWindow(plan);
  const startMs = performance.now();
  for (const [i, atMs] of arrivals.entries()) {
    const waitMs = startMs + atMs - performance.now();
    if (waitMs > 1) await sleep(waitMs);
    const dueMs = startMs + atMs;
    maxSendLagMs = Math.max(maxSendLagMs, performance.now() - dueMs);
    const payload = inputs.payloads[i % inputs.payloads.length] as Payload;
    // Timed from when it was due, so that a late send is not hidden (coordinated omission).
    const sample = timedRequest(url, payload, plan.requestTimeoutMs, agent);
    pending.push(sample.then((s) => ({ ...s, latencyMs: s.endMs - dueMs })));
  }
  await sleep(Math.max(0, startMs + plan.durationMs - performance.now()));
  cpuWindow.close();
  const samples = await Promise.all(pending);
  agent.destroy();
  const scheduleEndMs = startMs + plan.durationMs;
  const result = summarise(inputs.name, plan, samples, scheduleEndMs, maxSendLagMs);
  const served = servedBy(samples, scheduleEndMs).length;
  const cpu = cpuWindow.perImage(served);
  const idealP99Ms = quantile(idealLatenciesMs(arrivals, plan.capacityImgPerS), 0.99);
  return { ...result, idealP99Ms, ...(cpu === undefined ? {} : { cpu }) };
}

/** Successful answers that ended within the schedule: what the server kept up with. */
const servedBy = (samples: readonly Sample[], scheduleEndMs: number): Sample[] =>
  samples.filter((s) => s.error === undefined && s.endMs <= scheduleEndMs);

function summarise(
  input: string,
  plan: OpenLoopPlan,
  samples: readonly Sample[],
  scheduleEndMs: number,
  maxSendLagMs: number,
): OpenLoopResult {
  const seconds = plan.durationMs / 1000;
  const ok = samples.filter((s) => s.error === undefined);
  const latencies = ok.map((s) => s.latencyMs);
  const refused = samples.filter((s) => s.status === 503);
  return {
    input,
    loadShare: plan.loadShare,
    capacityImgPerS: plan.capacityImgPerS,
    offeredPerS: samples.length / seconds,
    servedPerS: servedBy(samples, scheduleEndMs).length / seconds,
    sent: samples.length,
    ok: ok.length,
    p50Ms: quantile(latencies, 0.5),
    p90Ms: quantile(latencies, 0.9),
    p99Ms: quantile(latencies, 0.99),
    p999Ms: quantile(latencies, 0.999),
    errors: samples.length - ok.length,
    ...countErrors(samples),
    refusals: {
      count: refused.length,
      withRetryAfter: refused.filter((s) => s.retryAfter).length,
      p99Ms: quantile(
        refused.map((s) => s.latencyMs),
        0.99,
      ),
    },
    maxSendLagMs,
    loadAverage: loadavg()[0] ?? NaN,
  };
}
