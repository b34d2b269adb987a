import { ServiceError } from '@imgcls/contracts';

/** What the work of one job can ask of its budget at each step. */
export interface JobBudget {
  /** Throws the budget's IMAGE_TOO_COMPLEX once the budget has run out. */
  check(): void;
}

/**
 * Runs one job's work under a time budget. Past it the job fails at once as IMAGE_TOO_COMPLEX
 * (bad input: never retried), so its slot goes to the next job, and `budget.check()` stops the
 * work at its next step (no inference for an image already refused). The check reads the
 * clock: the timer alone is not enough, because its callback waits for the event loop's timers
 * phase, and an await that resolves from the poll phase (sharp's decode) goes straight on to
 * the next step without passing it. A decode already inside libvips cannot be interrupted from
 * here: sharp's own timeout stops its pipeline, and the JPEG scan limit bounds what libjpeg
 * reads before that.
 */
export async function withinBudget<T>(
  budgetMs: number,
  work: (budget: JobBudget) => Promise<T>,
): Promise<T> {
  const deadlineMs = performance.now() + budgetMs;
  let exceeded: ServiceError | undefined;
  const overBudgetError = () =>
    (exceeded ??= new ServiceError(
      'IMAGE_TOO_COMPLEX',
      `processing the image took over ${budgetMs} ms, the limit per job; send a smaller or simpler image`,
    ));
  let timer: NodeJS.Timeout | undefined;
  const overBudget = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(overBudgetError()), budgetMs);
  });
  const budget: JobBudget = {
    check: () => {
      if (exceeded !== undefined || performance.now() >= deadlineMs) throw overBudgetError();
    },
  };
  const running = work(budget);
  // Once the budget has run out, a late failure of the abandoned work has nobody to tell.
  running.catch(() => undefined);
  try {
    return await Promise.race([running, overBudget]);
  } finally {
    clearTimeout(timer);
  }
}
