import { ServiceError } from '@imgcls/contracts';

/**
 * Runs one job's work under a time budget. Past it the job fails at once as IMAGE_TOO_COMPLEX
 * (bad input: never retried), so its slot goes to the next job, and `signal` tells the work to
 * stop at its next step (no inference for an image already refused). A decode already inside
 * libvips cannot be interrupted from here: sharp's own timeout stops its pipeline, and the JPEG
 * scan limit bounds what libjpeg reads before that.
 */
export async function withinBudget<T>(
  budgetMs: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const overBudget = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new ServiceError(
        'IMAGE_TOO_COMPLEX',
        `processing the image took over ${budgetMs} ms, the limit per job; send a smaller or simpler image`,
      );
      controller.abort(error);
      reject(error);
    }, budgetMs);
  });
  const running = work(controller.signal);
  // Once the budget has run out, a late failure of the abandoned work has nobody to tell.
  running.catch(() => undefined);
  try {
    return await Promise.race([running, overBudget]);
  } finally {
    clearTimeout(timer);
  }
}
