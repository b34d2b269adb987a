import type { FileOutcome } from './classify-files';
import type { OutputFormat } from './cli-args';
import { CSV_HEADER, formatCsvRow, formatJsonLine, formatTable } from './result-formats';

/**
 * Writes outcomes to stdout in the order of the files, whatever order they end in: each as soon
 * as those before it are written (jsonl, csv), or all at the end (a table sizes its columns).
 */
export class ResultWriter {
  private readonly waiting = new Map<number, FileOutcome>();
  private next = 0;
  private readonly tableRows: FileOutcome[] = [];

  constructor(
    private readonly format: OutputFormat,
    private readonly write: (text: string) => void,
  ) {
    if (format === 'csv') write(CSV_HEADER);
  }

  /** The outcome of the `index`-th file. */
  add(index: number, outcome: FileOutcome): void {
    this.waiting.set(index, outcome);
    for (let ready = this.waiting.get(this.next); ready; ready = this.waiting.get(this.next)) {
      this.waiting.delete(this.next++);
      this.emit(ready);
    }
  }

  end(): void {
    if (this.format === 'table' && this.tableRows.length > 0)
      this.write(formatTable(this.tableRows));
  }

  private emit(outcome: FileOutcome): void {
    switch (this.format) {
      case 'table':
        this.tableRows.push(outcome);
        return;
      case 'jsonl':
        this.write(formatJsonLine(outcome));
        return;
      case 'csv':
        this.write(formatCsvRow(outcome));
        return;
    }
  }
}
