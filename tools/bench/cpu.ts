import { readdirSync, readFileSync } from 'node:fs';
import { processCpuMs, threadStats, type ThreadStat } from '@imgcls/testing';

/** A process whose CPU time a cell charges to its images. */
export interface WatchedProcess {
  label: string;
  pid: number;
  /** Its CPU is also split by kind of thread (see threadKind). */
  byThread?: boolean;
}

/**
 * What a thread of the api or a worker does, from what /proc says of it: `main`, the event
 * loop; `decoder`, libvips' threads (they name themselves); `model`, the threads above the
 * main thread's nice value, which in a worker are those that run the model (INFERENCE_NICE;
 * with it at 0 they count as `other`); `other`, V8's helpers and libuv's pool.
 */
export type ThreadKind = 'main' | 'decoder' | 'model' | 'other';

export function threadKind(thread: ThreadStat, main: ThreadStat): ThreadKind {
  if (thread.tid === main.tid) return 'main';
  if (thread.name.startsWith('libvips')) return 'decoder';
  return thread.nice > main.nice ? 'model' : 'other';
}

/** What a cell charges its answers' CPU to (cpuPerImage), given by whoever runs it. */
export interface CpuWatch {
  /** The server's processes, whose CPU over the cell's window is charged to its answers. */
  watch?: readonly WatchedProcess[];
  /** Cores of the machine, for the core time nobody used. */
  cores?: number;
}

/** CPU time (user + system) so far, in ms: each watched process by label, all threads. */
export interface CpuSnapshot {
  processes: ReadonlyMap<string, number>;
  /**
   * Each live thread of the processes watched `byThread`, by `<pid>/<tid>`: its `<label> <kind>`
   * and its CPU so far. By thread, not summed by kind, so that a thread started inside a window
   * counts from zero (libvips starts its threads when work comes and ends them when idle).
   */
  threads: ReadonlyMap<string, { kind: string; ms: number }>;
}

/** Where the machine's time went per answered image during a cell's measured window. */
export interface CpuPerImage {
  /** ms of CPU per image, by process label. */
  byProcess: Record<string, number>;
  /** ms of CPU per image of the processes watched by thread, by `<label> <kind>`. */
  byThread?: Record<string, number>;
  /** The sum of `byProcess`. */
  totalMs: number;
  /** Core time per image that no watched process used: idle cores, or other people's work. */
  unaccountedMs: number;
}

export function cpuSnapshot(watched: readonly WatchedProcess[]): CpuSnapshot {
  const processes = new Map<string, number>();
  const threads = new Map<string, { kind: string; ms: number }>();
  for (const { label, pid, byThread } of watched) {
    const ms = processCpuMs(pid);
    if (ms === undefined) continue;
    processes.set(label, (processes.get(label) ?? 0) + ms);
    if (!byThread) continue;
    const all = threadStatsOrNone(pid);
    const main = all.find(({ tid }) => tid === pid);
    if (main === undefined) continue;
    for (const thread of all) {
      const kind = `${label} ${threadKind(thread, main)}`;
      threads.set(`${pid}/${thread.tid}`, { kind, ms: thread.cpuMs });
    }
  }
  return { processes, threads };
}

function threadStatsOrNone(pid: number): ThreadStat[] {
  try {
    return threadStats(pid);
  } catch {
    return []; // it exited meanwhile
  }
}

/**
 * CPU per image between two snapshots of a window in which `images` answers completed, and
 * the core time (cores × window) that none of the watched processes used.
 */
export function cpuPerImage(
  before: CpuSnapshot,
  after: CpuSnapshot,
  images: number,
  windowMs: number,
  cores: number,
): CpuPerImage | undefined {
  if (images === 0 || after.processes.size === 0) return undefined;
  const byProcess: Record<string, number> = {};
  for (const [label, ms] of after.processes) {
    const from = before.processes.get(label);
    if (from !== undefined) byProcess[label] = (ms - from) / images;
  }
  // A thread that ended inside the window took its CPU with it: the split then falls short
  // of its process by that much.
  const byThread: Record<string, number> = {};
  for (const [id, { kind, ms }] of after.threads) {
    const from = before.threads.get(id)?.ms ?? 0;
    byThread[kind] = (byThread[kind] ?? 0) + (ms - from) / images;
  }
  const totalMs = Object.values(byProcess).reduce((sum, ms) => sum + ms, 0);
  return {
    byProcess,
    ...(Object.keys(byThread).length > 0 ? { byThread } : {}),
    totalMs,
    unaccountedMs: (cores * windowMs) / images - totalMs,
  };
}

/**
 * The Redis server on this machine, found by its process name (its CPU is part of every
 * job's cost). On a shared Redis it includes other people's commands; undefined if none runs
 * here or /proc is unavailable.
 */
export function findRedisServer(): WatchedProcess | undefined {
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const name = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (name === 'redis-server') return { label: 'redis', pid: Number(entry) };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * A cell's CPU window, opened at construction: the server's processes and this one (the bench
 * is also the load generator, and its CPU is part of what each answer costs the machine).
 * `close` at the window's end; `perImage` once the answers that count are known.
 */
export class CpuWindow {
  private readonly watched: WatchedProcess[];
  private readonly cores: number;
  private readonly before: CpuSnapshot;
  private readonly startMs: number;
  private after: { snapshot: CpuSnapshot; windowMs: number } | undefined;

  constructor({ watch = [], cores = 1 }: CpuWatch) {
    this.watched = [...watch, { label: 'load generator', pid: process.pid }];
    this.cores = cores;
    this.before = cpuSnapshot(this.watched);
    this.startMs = performance.now();
  }

  close(): void {
    const windowMs = performance.now() - this.startMs;
    this.after = { snapshot: cpuSnapshot(this.watched), windowMs };
  }

  /** undefined before `close`, or when no answer counts. */
  perImage(images: number): CpuPerImage | undefined {
    if (this.after === undefined) return undefined;
    const { snapshot, windowMs } = this.after;
    return cpuPerImage(this.before, snapshot, images, windowMs, this.cores);
  }
}
