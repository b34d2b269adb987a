import { readdirSync, readFileSync } from 'node:fs';
import { processCpuMs } from '@imgcls/testing';

/** A process whose CPU time a cell charges to its images. */
export interface WatchedProcess {
  label: string;
  pid: number;
}

/** CPU time (user + system, all threads) of each watched process so far, in ms, by label. */
export type CpuSnapshot = ReadonlyMap<string, number>;

/** Where the machine's time went per answered image during a cell's measured window. */
export interface CpuPerImage {
  /** ms of CPU per image, by process label. */
  byProcess: Record<string, number>;
  /** The sum of `byProcess`. */
  totalMs: number;
  /** Core time per image that no watched process used: idle cores, or other people's work. */
  unaccountedMs: number;
}

export function cpuSnapshot(processes: readonly WatchedProcess[]): CpuSnapshot {
  const snapshot = new Map<string, number>();
  for (const { label, pid } of processes) {
    const ms = processCpuMs(pid);
    if (ms !== undefined) snapshot.set(label, (snapshot.get(label) ?? 0) + ms);
  }
  return snapshot;
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
  if (images === 0 || after.size === 0) return undefined;
  const byProcess: Record<string, number> = {};
  for (const [label, ms] of after) {
    const start = before.get(label);
    if (start !== undefined) byProcess[label] = (ms - start) / images;
  }
  const totalMs = Object.values(byProcess).reduce((sum, ms) => sum + ms, 0);
  return { byProcess, totalMs, unaccountedMs: (cores * windowMs) / images - totalMs };
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
