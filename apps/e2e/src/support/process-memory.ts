import { readFile } from 'node:fs/promises';

/** A process's resident memory (VmRSS from /proc/<pid>/status), in bytes. */
export async function residentBytes(pid: number | undefined): Promise<number> {
  if (pid === undefined) throw new Error('the process has no pid');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kib) * 1024;
}

export const toMiB = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
