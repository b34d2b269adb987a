import { request as httpRequest } from 'node:http';
import { sleep } from './concurrency';

/** One upload's answer, timed from the request's start (before connecting). */
export interface TimedAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** Request start → response headers: what a client still sending its body waits. */
  headersMs: number;
  totalMs: number;
  /** performance.now() at the start and at the end. */
  startedAt: number;
  endedAt: number;
  /** Which photo was sent. */
  photo: number;
}

export interface LoadPhoto {
  bytes: Buffer;
  wnid: string;
}

/**
 * POSTs the image on a fresh connection with node:http, which reports a response that arrives
 * while the body is still being written (fetch may instead fail with "other side closed").
 */
export function postTimed(
  url: string,
  photos: readonly LoadPhoto[],
  index: number,
): Promise<TimedAnswer> {
  const { bytes } = photos[index % photos.length] as LoadPhoto;
  const startedAt = performance.now();
  return new Promise((resolve) => {
    let headersMs = NaN;
    const done = (status: number, headers: TimedAnswer['headers'], text: string) => {
      const endedAt = performance.now();
      let body: unknown = text;
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        // not JSON: keep the text
      }
      resolve({
        status,
        headers,
        body,
        headersMs,
        totalMs: endedAt - startedAt,
        startedAt,
        endedAt,
        photo: index,
      });
    };
    const req = httpRequest(`${url}/run_inference`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'image/jpeg', 'content-length': bytes.length },
    });
    req.on('response', (res) => {
      headersMs = performance.now() - startedAt;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString()));
      res.on('error', () =>
        done(res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString()),
      );
    });
    // EPIPE/ECONNRESET after an early answer is expected; before one, the request failed.
    req.on('error', () => {
      if (Number.isNaN(headersMs)) done(0, {}, '');
    });
    req.end(bytes);
  });
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export interface LoopLimits {
  durationMs: number;
  /** Hard bound on the number of requests, whatever the duration. */
  maxRequests: number;
}

/**
 * `concurrency` clients, each sending its next photo as soon as it has an answer (a refused
 * one waits `retryDelayMs` first), until `durationMs` is over. Photos start at `firstPhoto`.
 */
export async function closedLoop(
  url: string,
  photos: readonly LoadPhoto[],
  {
    concurrency,
    durationMs,
    maxRequests,
    retryDelayMs = 100,
    firstPhoto = 0,
  }: LoopLimits & {
    concurrency: number;
    retryDelayMs?: number;
    firstPhoto?: number;
  },
): Promise<TimedAnswer[]> {
  const answers: TimedAnswer[] = [];
  const stopAt = performance.now() + durationMs;
  let next = firstPhoto;
  const client = async () => {
    while (performance.now() < stopAt && next - firstPhoto < maxRequests) {
      const answer = await postTimed(url, photos, next++);
      answers.push(answer);
      if (answer.status !== 200) await sleep(retryDelayMs);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return answers;
}

/** Successful answers per second that ended within [from, to]. */
export function okRate(answers: readonly TimedAnswer[], from: number, to: number): number {
  const ok = answers.filter((a) => a.status === 200 && a.endedAt >= from && a.endedAt <= to);
  return ok.length / ((to - from) / 1000);
}

/**
 * Fires one request every 1000/`ratePerS` ms on a fixed schedule, whether or not earlier
 * ones were answered (an open loop, as real traffic is), for `durationMs`.
 */
export async function openLoop(
  url: string,
  photos: readonly LoadPhoto[],
  { ratePerS, durationMs, maxRequests }: LoopLimits & { ratePerS: number },
): Promise<{ answers: Promise<TimedAnswer[]>; firedAt: number[] }> {
  const count = Math.min(maxRequests, Math.round((ratePerS * durationMs) / 1000));
  const start = performance.now();
  const pending: Promise<TimedAnswer>[] = [];
  const firedAt: number[] = [];
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / ratePerS;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    firedAt.push(performance.now());
    pending.push(postTimed(url, photos, i));
  }
  return { answers: Promise.all(pending), firedAt };
}

export interface Probe {
  path: string;
  status: number;
  ms: number;
}

/** GETs /health/live and /health/ready in turn every `everyMs` until `isDone()`, bounded in count. */
export async function probeHealth(
  url: string,
  isDone: () => boolean,
  everyMs = 250,
  maxProbes = 400,
): Promise<Probe[]> {
  const probes: Probe[] = [];
  for (let i = 0; i < maxProbes && !isDone(); i++) {
    const path = i % 2 === 0 ? '/health/live' : '/health/ready';
    const start = performance.now();
    const status = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5_000) }).then(
      async (r) => (await r.arrayBuffer(), r.status),
      () => 0,
    );
    probes.push({ path, status, ms: performance.now() - start });
    await sleep(everyMs);
  }
  return probes;
}
