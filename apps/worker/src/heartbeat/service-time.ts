/** Jobs that count as recent: the last this many... */
const RECENT_JOBS = 32;
/** ...that ended within this long. Older ones describe a load that has passed. */
const RECENT_MS = 10_000;

/**
 * How long this worker's recent jobs held a slot, for its heartbeat. The api turns it into the
 * workers' service rate (concurrency / mean slot time, Little's law: exact while every slot is
 * busy, which is when a queue forms and the estimate matters). The last 32 jobs keep it quick
 * to follow a change of load; the 10 s bound lets an idle worker say it knows nothing now.
 */
export class ServiceTime {
  private readonly ends: number[] = [];
  private readonly durations: number[] = [];

  /** One job left its slot at `endMs` after holding it `durationMs`. */
  record(durationMs: number, endMs: number): void {
    this.ends.push(endMs);
    this.durations.push(durationMs);
    if (this.ends.length > RECENT_JOBS) {
      this.ends.shift();
      this.durations.shift();
    }
  }

  /** Mean slot time of the recent jobs at `nowMs`, or null when none ended lately. */
  recentJobMs(nowMs: number): number | null {
    const firstRecent = this.ends.findIndex((end) => nowMs - end <= RECENT_MS);
    if (firstRecent < 0) return null;
    const recent = this.durations.slice(firstRecent);
    const mean = recent.reduce((sum, ms) => sum + ms, 0) / recent.length;
    // A slot held for no measurable time still took some: the schema wants a positive number.
    return Math.max(mean, 0.001);
  }
}
