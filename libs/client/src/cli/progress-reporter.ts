import type { FileOutcome } from './classify-files';
import { formatSummary, imagesPerSecond, plural } from './run-summary';

/** The stream progress goes to: stderr, whose `isTTY` picks a bar or plain lines. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const CLEAR_LINE = '\r\x1b[K';
const REDRAW_INTERVAL_MS = 100;
const LINE_INTERVAL_MS = 1_000;
const BAR_WIDTH = 30;

/**
 * Progress on stderr. On a terminal: a bar redrawn on one line, with each error printed above
 * it. Elsewhere (a log, a pipe): each error on its own line and a count at most once a second.
 */
export class ProgressReporter {
  private done = 0;
  private errors = 0;
  private lastShownMs = Number.NEGATIVE_INFINITY;
  private readonly startedMs: number;

  private readonly showErrors: boolean;

  constructor(
    private readonly stream: ProgressStream,
    private readonly total: number,
    options: { showErrors?: boolean } = {},
    private readonly now: () => number = Date.now,
  ) {
    this.showErrors = options.showErrors ?? true;
    this.startedMs = now();
    if (stream.isTTY) this.draw();
    else this.lastShownMs = this.startedMs;
  }

  /** Counts a finished file; an error is reported with its file, code and message. */
  settled(outcome: FileOutcome): void {
    this.done++;
    if ('error' in outcome) this.errors++;
    if ('error' in outcome && this.showErrors) {
      const { code, message } = outcome.error;
      this.clear();
      this.stream.write(`error: ${outcome.file}: ${code}: ${message}\n`);
    }
    const sinceShownMs = this.now() - this.lastShownMs;
    if (this.stream.isTTY) {
      if ('error' in outcome || sinceShownMs >= REDRAW_INTERVAL_MS || this.done === this.total) {
        this.draw();
      }
    } else if (sinceShownMs >= LINE_INTERVAL_MS && this.done < this.total) {
      this.lastShownMs = this.now();
      this.stream.write(`${this.status()}\n`);
    }
  }

  /** A line about the whole run (such as why it waits), above the bar. */
  note(line: string): void {
    this.clear();
    this.stream.write(`${line}\n`);
    if (this.stream.isTTY) this.draw();
  }

  /** Runs `write` (to stdout on the same terminal) without leaving its text inside the bar. */
  print(write: () => void): void {
    this.clear();
    write();
    if (this.stream.isTTY) this.draw();
  }

  /** Clears the bar and writes the summary line. */
  finish(): void {
    this.clear();
    this.stream.write(`${formatSummary(this.stats())}\n`);
  }

  private clear(): void {
    if (this.stream.isTTY) this.stream.write(CLEAR_LINE);
  }

  private draw(): void {
    this.lastShownMs = this.now();
    const width = Math.max(0, Math.min(BAR_WIDTH, (this.stream.columns || 80) - 50));
    const filled = this.total > 0 ? Math.round((width * this.done) / this.total) : width;
    const bar = width > 0 ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
    this.stream.write(`${CLEAR_LINE}${bar}${this.status()}`);
  }

  private status(): string {
    const percent = this.total > 0 ? Math.floor((100 * this.done) / this.total) : 100;
    const rate = imagesPerSecond(this.stats()).toFixed(1);
    return `${this.done}/${this.total} (${percent}%), ${rate} img/s, ${plural(this.errors, 'error')}`;
  }

  private stats() {
    return { files: this.done, errors: this.errors, elapsedMs: this.now() - this.startedMs };
  }
}
