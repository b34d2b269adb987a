const BAR_WIDTH = 30;
const LINE_INTERVAL_MS = 2_000;

/** A bar redrawn on one line of a terminal; elsewhere a count at most every two seconds. */
export class ProgressBar {
  private lastLineMs = Date.now();

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly label: string,
    private readonly total: number,
  ) {}

  update(done: number): void {
    const text = `${this.label} ${done}/${this.total}`;
    if (this.stream.isTTY) {
      const filled = Math.round((BAR_WIDTH * done) / Math.max(this.total, 1));
      const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
      this.stream.write(`\r\x1b[K${bar} ${text}`);
      if (done === this.total) this.stream.write('\n');
    } else if (Date.now() - this.lastLineMs >= LINE_INTERVAL_MS || done === this.total) {
      this.lastLineMs = Date.now();
      this.stream.write(`${text}\n`);
    }
  }
}
