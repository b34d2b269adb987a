import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** USER_HZ, the unit of /proc/<pid>/stat's times (100 on every common Linux). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** The command name and the fields after it of a /proc `stat` file (Linux): field n at n - 3. */
function readStat(path: string): { name: string; fields: string[] } {
  const stat = readFileSync(path, 'utf8');
  // The command name is in parentheses and may hold spaces and parentheses itself.
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  return { name: stat.slice(open + 1, close), fields: stat.slice(close + 2).split(' ') };
}

/** utime + stime (fields 14 and 15) in ms. */
function cpuMs(fields: readonly string[]): number {
  return ((Number(fields[14 - 3]) + Number(fields[15 - 3])) * 1000) / clockTicks();
}

/** utime + stime of a live process from /proc (Linux), in ms; undefined where unreadable. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const ms = cpuMs(readStat(`/proc/${pid}/stat`).fields);
    return Number.isFinite(ms) ? ms : undefined;
  } catch {
    return undefined;
  }
}

/** One thread of a process, from its /proc stat (Linux). */
export interface ThreadStat {
  tid: number;
  /** Its command name (`comm`): the process's, unless the thread named itself (libvips). */
  name: string;
  nice: number;
  /** utime + stime so far, in ms. */
  cpuMs: number;
}

/** Every live thread of a live process (Linux); threads that end while it reads are left out. */
export function threadStats(pid: number): ThreadStat[] {
  const threads: ThreadStat[] = [];
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const { name, fields } = readStat(`/proc/${pid}/task/${tid}/stat`);
      threads.push({ tid: Number(tid), name, nice: Number(fields[19 - 3]), cpuMs: cpuMs(fields) });
    } catch {
      // It ended between the listing and the read.
    }
  }
  return threads;
}

/** Each thread's nice value (field 19 of its stat), by thread id (Linux). */
export function niceByThread(pid: number): Map<number, number> {
  return new Map(threadStats(pid).map(({ tid, nice }) => [tid, nice]));
}
