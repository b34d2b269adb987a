/**
 * After a run arrives while another is in progress, how long no run goes to the lone-job
 * session. Overlapping runs mean requests come faster than one at a time, and a lone run then
 * spins on every core while the next job needs one: at 45–73% of the capacity the median was
 * a fifth to a third longer than with this wait (docs/benchmarks.md). A worker answering one
 * request at a time never overlaps and keeps it.
 */
export const LONE_JOB_QUIET_MS = 1_000;

/** Decides, run by run, whether the lone-job session may take a run that finds all idle. */
export class LoneJobGate {
  private lastOverlapMs = -Infinity;

  /** A run arrives at `nowMs`; `busy`: some session is still running or has runs waiting. */
  admits(nowMs: number, busy: boolean): boolean {
    if (busy) this.lastOverlapMs = nowMs;
    return !busy && nowMs - this.lastOverlapMs >= LONE_JOB_QUIET_MS;
  }
}
