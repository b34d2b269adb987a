/**
 * Jobs a test worker holds until the test lets them go: `started` resolves once the worker
 * has taken the job (it is active), `release` lets it finish.
 */
export class HeldJobs {
  private readonly releases = new Map<string, () => void>();
  private readonly starts = new Map<string, () => void>();
  private readonly started = new Map<string, Promise<void>>();

  /** Called by the worker: resolves when the test releases the job. */
  hold(jobId: string): Promise<void> {
    void this.startedPromise(jobId);
    this.starts.get(jobId)?.();
    return new Promise((resolve) => this.releases.set(jobId, resolve));
  }

  /** Resolves once the worker holds the job. */
  taken(jobId: string): Promise<void> {
    return this.startedPromise(jobId);
  }

  release(jobId: string): void {
    this.releases.get(jobId)?.();
    this.releases.delete(jobId);
  }

  releaseAll(): void {
    for (const jobId of [...this.releases.keys()]) this.release(jobId);
  }

  private startedPromise(jobId: string): Promise<void> {
    let promise = this.started.get(jobId);
    if (promise === undefined) {
      promise = new Promise((resolve) => this.starts.set(jobId, resolve));
      this.started.set(jobId, promise);
    }
    return promise;
  }
}
