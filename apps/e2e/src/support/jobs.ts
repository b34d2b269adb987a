import { readFile } from 'node:fs/promises';
import type { ClassifyResponse, JobAccepted, JobState } from '@imgcls/contracts';
import { samplePhotos } from '@imgcls/testing';

export interface Submitted {
  status: number;
  location: string | null;
  body: JobAccepted;
}

const photos = samplePhotos();

/** The i-th shared photo's bytes and true class, cycling through the 200. */
export async function photo(i: number): Promise<{ bytes: Buffer; wnid: string; file: string }> {
  const p = photos[i % photos.length];
  if (p === undefined) throw new Error('no shared photos');
  return { bytes: await readFile(p.path), wnid: p.wnid, file: p.file };
}

export async function submitAsync(url: string, bytes: Buffer): Promise<Submitted> {
  const response = await fetch(`${url}/run_inference`, {
    method: 'POST',
    headers: { 'content-type': 'image/jpeg', prefer: 'respond-async' },
    body: bytes,
  });
  return {
    status: response.status,
    location: response.headers.get('location'),
    body: (await response.json()) as JobAccepted,
  };
}

export async function getJob(
  url: string,
  jobId: string,
): Promise<{ status: number; body: JobState }> {
  const response = await fetch(`${url}/jobs/${jobId}`);
  return { status: response.status, body: (await response.json()) as JobState };
}

/** Polls until the job has finished, or fails after `timeoutMs`. */
export async function waitForJob(
  url: string,
  jobId: string,
  timeoutMs = 30_000,
): Promise<JobState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await getJob(url, jobId);
    if (status !== 200) throw new Error(`GET /jobs/${jobId} answered ${status}`);
    if (body.status === 'succeeded' || body.status === 'failed') return body;
    if (Date.now() > deadline)
      throw new Error(`job ${jobId} still ${body.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function classifySync(
  url: string,
  bytes: Buffer,
): Promise<{ status: number; body: ClassifyResponse }> {
  const response = await fetch(`${url}/run_inference`, {
    method: 'POST',
    headers: { 'content-type': 'image/jpeg' },
    body: bytes,
  });
  return { status: response.status, body: (await response.json()) as ClassifyResponse };
}
