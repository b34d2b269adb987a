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

/** The fields of a /proc `stat` file (Linux) from field 3 (state) on, so field n is at n - 3. */
function statFields(path: string): string[] {
  const stat = readFileSync(path, 'utf8');
  // They start after the command name, in parentheses, which may hold spaces.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime of a live process from /proc (Linux), in ms; undefined where unreadable. */
export function processCpuMs(pid: number): number | undefined {
  return cpuMs(`/proc/${pid}/stat`);
}

/** utime + stime of one thread of a live process (Linux), in ms; undefined where unreadable. */
export function threadCpuMs(pid: number, tid: number): number | undefined {
  return cpuMs(`/proc/${pid}/task/${tid}/stat`);
}

function cpuMs(statPath: string): number | undefined {
  try {
    const fields = statFields(statPath);
    const ticks = Number(fields[14 - 3]) + Number(fields[15 - 3]);
    return Number.isFinite(ticks) ? (ticks * 1000) / clockTicks() : undefined;
  } catch {
    return undefined;
  }
}

/** Each thread's nice value (field 19 of its stat), by thread id (Linux). */
export function niceByThread(pid: number): Map<number, number> {
  const nice = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    nice.set(Number(tid), Number(statFields(`/proc/${pid}/task/${tid}/stat`)[19 - 3]));
  }
  return nice;
}
