import type { Agent } from 'node:http';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { isErrorBody, type JobTimings } from '@imgcls/contracts';
import { CpuWindow, type CpuPerImage, type CpuWatch } from './cpu';
import { createPool, postMultipart, type PostAnswer } from './http-post';
import type { InputSet, Payload } from './inputs';
import { quantile, summariseLatency, type LatencySummary } from './stats';

export interface CellPlan extends CpuWatch {
  concurrency: number;
  /** Warm-up lasts at least this long, and until every lane has finished one request. */
  warmupMinMs: number;
  /** Length of the measured window. */
  measureMs: number;
  requestTimeoutMs: number;
}

/** Medians of the worker's own timings (the api returns them in every answer). */
export interface TimingMedians {
  queueWaitMs: number;
  preprocessMs: number;
  inferenceMs: number;
}

export interface CellResult extends LatencySummary {
  input: string;
  concurrency: number;
  /** Requests that finished inside the measured window. */
  completed: number;
  imgPerS: number;
  /** Failed requests over the whole cell: warm-up, window and drain. */
  errors: number;
  errorKinds: Record<string, number>;
  /** The first message of each kind, as the server worded it. */
  errorExamples: Record<string, string>;
  /** 1-minute load average when the cell ended: how busy the shared machine was. */
  loadAverage: number;
  /** Answers in the window whose class_id was the photo's true class. */
  correct: number;
  timings?: TimingMedians;
  /** CPU per image over the window, by process, from /proc; absent where unreadable. */
  cpu?: CpuPerImage;
  /** The best ceiling layout, re-measured right before this cell's group (not in smoke runs). */
  ceilingNowImgPerS?: number;
  /** That re-measurement's median `session.run` time (one batch of the best layout). */
  ceilingNowRunP50Ms?: number;
}

/** One request: when it ended, how long it took, and what came back. */
export interface Sample {
  endMs: number;
  latencyMs: number;
  /** HTTP status; 0 for a network error. */
  status: number;
  /** A `Retry-After` header came with the answer. */
  retryAfter: boolean;
  error?: string;
  errorMessage?: string;
  correct: boolean;
  timings?: JobTimings;
}

// A warm-up that never sees every lane finish means the server is stuck; measure anyway.
const MAX_WARMUP_MS = 90_000;

/**
 * One closed-loop cell: `concurrency` lanes each send a request, wait for its answer and send
 * the next, cycling through the inputs. After the warm-up (every lane has cycled once, so the
 * queue is in its steady state) a fixed window is measured; then the lanes stop and in-flight
 * requests drain, so the next cell starts on an idle server.
 */
export async function runCell(url: URL, inputs: InputSet, plan: CellPlan): Promise<CellResult> {
  const { samples, windowStartMs, windowEndMs, cpuWindow } = await closedLoop(url, inputs, plan);
  const cell = summariseCell(inputs.name, plan.concurrency, samples, windowStartMs, windowEndMs);
  const cpu = cpuWindow.perImage(cell.completed);
  return cpu === undefined ? cell : { ...cell, cpu };
}

/** Every answer of a closed-loop run, its measured window, and that window's CPU. */
export interface ClosedLoopRun {
  samples: Sample[];
  windowStartMs: number;
  windowEndMs: number;
  cpuWindow: CpuWindow;
  /** TCP connections the lanes opened over the whole run. */
  connectionsOpened: number;
}

/** The lanes, warm-up, window and drain of a closed-loop cell, each lane on a kept connection. */
export async function closedLoop(
  url: URL,
  inputs: InputSet,
  plan: CellPlan,
): Promise<ClosedLoopRun> {
  const agent = createPool(plan.concurrency);
  const samples: Sample[] = [];
  let next = 0;
  let stopping = false;
  const lane = async () => {
    while (!stopping) {
      const payload = inputs.payloads[next++ % inputs.payloads.length] as Payload;
      const sample = await timedRequest(url, payload, plan.requestTimeoutMs, agent);
      samples.push(sample);
      // Nobody listens any more: the server is gone, and hammering it measures nothing.
      if (sample.error === 'ECONNREFUSED') stopping = true;
    }
  };
  const startMs = performance.now();
  const lanes = Array.from({ length: plan.concurrency }, lane);
  while (
    performance.now() - startMs < MAX_WARMUP_MS &&
    (samples.length < plan.concurrency || performance.now() - startMs < plan.warmupMinMs)
  ) {
    await sleep(20);
  }
  const cpuWindow = new CpuWindow(plan);
  const windowStartMs = performance.now();
  await sleep(plan.measureMs);
  const windowEndMs = performance.now();
  cpuWindow.close();
  stopping = true;
  await Promise.all(lanes);
  agent.destroy();
  return { samples, windowStartMs, windowEndMs, cpuWindow, connectionsOpened: agent.opened };
}

export async function timedRequest(
  url: URL,
  payload: Payload,
  timeoutMs: number,
  agent: Agent,
): Promise<Sample> {
  const sentMs = performance.now();
  let answer: PostAnswer | Error;
  try {
    answer = await postMultipart(agent, url, payload.body, timeoutMs);
  } catch (error) {
    answer = error instanceof Error ? error : new Error(String(error));
  }
  const endMs = performance.now();
  const [status, retryAfter] =
    answer instanceof Error ? [0, false] : [answer.status, answer.retryAfter];
  return { endMs, latencyMs: endMs - sentMs, status, retryAfter, ...judge(answer, payload.wnid) };
}

type Verdict = Pick<Sample, 'error' | 'errorMessage' | 'correct' | 'timings'>;

function judge(answer: PostAnswer | Error, wnid: string): Verdict {
  if (answer instanceof Error) {
    const code = (answer as NodeJS.ErrnoException).code;
    return { error: code ?? answer.message, correct: false };
  }
  const body = answer.body;
  if (answer.status === 202) {
    // The api stopped waiting (SYNC_TIMEOUT_MS) and handed back the job to poll: no answer in time.
    return { error: '202 (sync wait ran out)', correct: false };
  }
  if (answer.status !== 200) {
    const [code, errorMessage] = isErrorBody(body) ? [body.error.code, body.error.message] : [''];
    return { error: `${answer.status} ${code}`.trim(), errorMessage, correct: false };
  }
  if (typeof body !== 'object' || body === null || !('class_id' in body)) {
    return { error: '200 without class_id', correct: false };
  }
  const timings = 'timings' in body && isTimings(body.timings) ? body.timings : undefined;
  return { correct: body.class_id === wnid, timings };
}

/** The stack's answers carry the worker's timings; the baseline's do not. */
function isTimings(value: unknown): value is JobTimings {
  if (typeof value !== 'object' || value === null) return false;
  const fields = ['queue_wait_ms', 'preprocess_ms', 'inference_ms'] as const;
  return fields.every((field) => typeof (value as Record<string, unknown>)[field] === 'number');
}

function summariseCell(
  input: string,
  concurrency: number,
  samples: readonly Sample[],
  windowStartMs: number,
  windowEndMs: number,
): CellResult {
  const ok = endedIn(samples, windowStartMs, windowEndMs).filter((s) => s.error === undefined);
  const { errorKinds, errorExamples } = countErrors(samples);
  return {
    input,
    concurrency,
    completed: ok.length,
    imgPerS: ok.length / ((windowEndMs - windowStartMs) / 1000),
    ...summariseLatency(ok.map((s) => s.latencyMs)),
    errors: samples.filter((s) => s.error !== undefined).length,
    errorKinds,
    errorExamples,
    loadAverage: loadavg()[0] ?? NaN,
    correct: ok.filter((s) => s.correct).length,
    timings: medianTimings(ok.flatMap((s) => (s.timings === undefined ? [] : [s.timings]))),
  };
}

/** The samples that ended inside a measured window. */
export function endedIn(samples: readonly Sample[], startMs: number, endMs: number): Sample[] {
  return samples.filter((s) => s.endMs >= startMs && s.endMs <= endMs);
}

/** How many failed of each kind, and the server's first message for each. */
export function countErrors(samples: readonly Sample[]): {
  errorKinds: Record<string, number>;
  errorExamples: Record<string, string>;
} {
  const errorKinds: Record<string, number> = {};
  const errorExamples: Record<string, string> = {};
  for (const { error, errorMessage } of samples) {
    if (error === undefined) continue;
    errorKinds[error] = (errorKinds[error] ?? 0) + 1;
    errorExamples[error] ??= errorMessage ?? error;
  }
  return { errorKinds, errorExamples };
}

function medianTimings(timings: readonly JobTimings[]): TimingMedians | undefined {
  if (timings.length === 0) return undefined;
  return {
    queueWaitMs: quantile(
      timings.map((t) => t.queue_wait_ms),
      0.5,
    ),
    preprocessMs: quantile(
      timings.map((t) => t.preprocess_ms),
      0.5,
    ),
    inferenceMs: quantile(
      timings.map((t) => t.inference_ms),
      0.5,
    ),
  };
}
