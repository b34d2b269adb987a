/** Counts of a finished (or running) run. */
export interface RunStats {
  files: number;
  errors: number;
  elapsedMs: number;
}

export const plural = (count: number, noun: string): string =>
  `${count} ${noun}${count === 1 ? '' : 's'}`;

export function imagesPerSecond({ files, elapsedMs }: RunStats): number {
  return elapsedMs > 0 ? (files * 1000) / elapsedMs : 0;
}

/** The last line on stderr, e.g. `40 files, 1 error, 8.21 s, 4.87 img/s`. */
export function formatSummary(stats: RunStats): string {
  const plural = (count: number, noun: string): string =>
    `${count} ${noun}${count === 1 ? '' : 's'}`;
  return [
    plural(stats.files, 'file'),
    plural(stats.errors, 'error'),
    `${(stats.elapsedMs / 1000).toFixed(2)} s`,
    `${imagesPerSecond(stats).toFixed(2)} img/s`,
  ].join(', ');
}
