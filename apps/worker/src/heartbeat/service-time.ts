/** Jobs that count as recent: the last this many... */
const RECENT_JOBS = 32;
/** ...that ended within this long. Older ones describe a load that has passed. */
const RECENT_MS = 10_000;

interface JobTime {
  endMs: number;
  durationMs: number;
  /** Every other slot was busy when it started: it shared the machine as under a backlog. */
  contended: boolean;
}

/**
 * How long this worker's recent jobs held a slot, for its heartbeat. The api turns it into the
 * workers' service rate: slots / mean slot time (Little's law, exact while every slot is busy,
 * which is when a queue forms and the estimate matters). A job that ran alone finishes sooner
 * than one sharing the cores with the other slots, and would promise a rate the worker cannot
 * keep, so the jobs that started with every other slot busy are used whenever there are some.
 * The last 32 keep it quick to follow a change of load; the 10 s bound lets an idle worker say
 * it knows nothing now.
 */
export class ServiceTime {
  private readonly jobs: JobTime[] = [];

  /** One job left its slot at `endMs` after holding it `durationMs`. */
  record(durationMs: number, endMs: number, contended: boolean): void {
    this.jobs.push({ endMs, durationMs, contended });
    if (this.jobs.length > RECENT_JOBS) this.jobs.shift();
  }

  /** Mean slot time of the recent jobs at `nowMs`, or null when none ended lately. */
  recentJobMs(nowMs: number): number | null {
    const recent = this.jobs.filter((job) => nowMs - job.endMs <= RECENT_MS);
    const contended = recent.filter((job) => job.contended);
    const counted = contended.length > 0 ? contended : recent;
    if (counted.length === 0) return null;
    const mean = counted.reduce((sum, job) => sum + job.durationMs, 0) / counted.length;
    // A slot held for no measurable time still took some: the schema wants a positive number.
    return Math.max(mean, 0.001);
  }
}
