import { readFileSync } from 'node:fs';
import type { SamplePhoto } from '@imgcls/testing';

/** The published api port on the host loopback: the only address this test sends to. */
export class StackClient {
  constructor(private readonly port: number) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async status(path: string): Promise<number> {
    return fetch(`${this.baseUrl}${path}`).then(
      (response) => response.status,
      () => 0,
    );
  }

  /** Waits for `/health/ready`: Redis reachable from the api and a worker's heartbeat seen. */
  async waitReady(timeoutMs: number): Promise<number> {
    const startedMs = Date.now();
    let status = await this.status('/health/ready');
    while (status !== 200) {
      if (Date.now() - startedMs > timeoutMs) {
        throw new Error(`the api is not ready after ${timeoutMs} ms (/health/ready: ${status})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      status = await this.status('/health/ready');
    }
    return Date.now() - startedMs;
  }

  /** Submits one photo with `?mode=async`; answers the job id of a `202 Accepted`. */
  async submit(photo: SamplePhoto): Promise<string> {
    const response = await fetch(`${this.baseUrl}/run_inference?mode=async`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg' },
      body: readFileSync(photo.path),
    });
    const body = (await response.json()) as { job_id?: string };
    if (response.status !== 202 || body.job_id === undefined) {
      throw new Error(`submit ${photo.file}: ${response.status} ${JSON.stringify(body)}`);
    }
    return body.job_id;
  }

  /** Polls until every job has ended; answers each job's status and top-1 class index. */
  async settle(jobIds: string[], timeoutMs: number): Promise<Map<string, JobOutcome>> {
    const outcomes = new Map<string, JobOutcome>();
    const deadlineMs = Date.now() + timeoutMs;
    while (outcomes.size < jobIds.length && Date.now() < deadlineMs) {
      for (const id of jobIds.filter((job) => !outcomes.has(job))) {
        const outcome = await this.job(id);
        if (outcome.status === 'succeeded' || outcome.status === 'failed')
          outcomes.set(id, outcome);
      }
      if (outcomes.size < jobIds.length) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return outcomes;
  }

  private async job(id: string): Promise<JobOutcome> {
    const response = await fetch(`${this.baseUrl}/jobs/${id}`).catch(() => undefined);
    if (response?.status !== 200) return { status: `http ${response?.status ?? 'error'}` };
    const body = (await response.json()) as { status: string; result?: { class_index?: number } };
    return { status: body.status, classIndex: body.result?.class_index };
  }
}

export interface JobOutcome {
  status: string;
  classIndex?: number;
}
