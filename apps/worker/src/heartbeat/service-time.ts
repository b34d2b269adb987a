/** Jobs that count as recent: the last this many... */
const RECENT_JOBS = 32;
/** ...that ended within this long. Older ones describe a load that has passed. */
const RECENT_MS = 10_000;
/** How far above the mean the reported slot time is, in standard errors of that mean. */
const STANDARD_ERRORS = 2;

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
 *
 * What it reports is the mean plus two standard errors: a slot time the worker keeps at about
 * 97.5% confidence. The api multiplies it by the backlog (160 jobs ahead at 5 s on two slots),
 * so a mean that is 3% low promises a wait 150 ms short; with the plain mean the admitted p99
 * at 150% load ended 14 ms past its bound (docs/benchmarks.md).
 */
export class ServiceTime {
  private readonly jobs: JobTime[] = [];

  /** One job left its slot at `endMs` after holding it `durationMs`. */
  record(durationMs: number, endMs: number, contended: boolean): void {
    this.jobs.push({ endMs, durationMs, contended });
    if (this.jobs.length > RECENT_JOBS) this.jobs.shift();
  }

  /** Upper bound of the recent jobs' mean slot time at `nowMs`; null when none ended lately. */
  recentJobMs(nowMs: number): number | null {
    const recent = this.jobs.filter((job) => nowMs - job.endMs <= RECENT_MS);
    const contended = recent.filter((job) => job.contended);
    const counted = contended.map((job) => job.durationMs);
    const times = counted.length > 0 ? counted : recent.map((job) => job.durationMs);
    if (times.length === 0) return null;
    const n = times.length;
    const mean = times.reduce((sum, ms) => sum + ms, 0) / n;
    const variance = n > 1 ? times.reduce((sum, ms) => sum + (ms - mean) ** 2, 0) / (n - 1) : 0;
    // A slot held for no measurable time still took some: the schema wants a positive number.
    return Math.max(mean + STANDARD_ERRORS * Math.sqrt(variance / n), 0.001);
  }
}
