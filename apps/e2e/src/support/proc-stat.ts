import { readdir, readFile } from 'node:fs/promises';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** The fields of a /proc `stat` file from field 3 (state) on, so field n is at index n - 3. */
async function statFields(path: string): Promise<string[]> {
  const stat = await readFile(path, 'utf8');
  // They start after the command name, in parentheses, which may hold spaces.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU seconds a process has used so far (user + system, from /proc/<pid>/stat). */
export async function cpuSeconds(pid: number | undefined): Promise<number> {
  if (pid === undefined) throw new Error('the process has no pid');
  const fields = await statFields(`/proc/${pid}/stat`);
  const ticks = Number(fields[14 - 3]) + Number(fields[15 - 3]); // utime, stime
  return ticks / TICKS_PER_SECOND;
}

/** Each thread's nice value (field 19 of its stat), by thread id. */
export async function niceByThread(pid: number): Promise<Map<number, number>> {
  const nice = new Map<number, number>();
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    const fields = await statFields(`/proc/${pid}/task/${tid}/stat`);
    nice.set(Number(tid), Number(fields[19 - 3]));
  }
  return nice;
}
