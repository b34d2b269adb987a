import type { FileOutcome } from './classify-files';

// How results look on stdout. jsonl and csv are written a line per file as results come in;
// a table needs every row to size its columns, so it is written at the end.

/** One JSON object per line: the api's whole answer (top-k included) or its error, with `file`. */
export function formatJsonLine(outcome: FileOutcome): string {
  return `${JSON.stringify('result' in outcome ? { file: outcome.file, ...outcome.result } : outcome)}\n`;
}

export const CSV_HEADER = 'file,class_id,class_name,probability,error_code,error_message\n';

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
export function formatCsvRow(outcome: FileOutcome): string {
  const fields =
    'result' in outcome
      ? [
          outcome.file,
          outcome.result.class_id,
          outcome.result.class_name,
          String(outcome.result.probability),
          '',
          '',
        ]
      : [outcome.file, '', '', '', outcome.error.code, outcome.error.message];
  return `${fields.map(csvField).join(',')}\n`;
}

const csvField = (value: string): string =>
  /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

/** Aligned columns; a failed file's row ends with its error instead of a class. */
export function formatTable(outcomes: readonly FileOutcome[]): string {
  const header = ['FILE', 'CLASS_ID', 'CLASS_NAME', 'PROBABILITY'];
  const rows = outcomes.map((outcome) =>
    'result' in outcome
      ? [
          outcome.file,
          outcome.result.class_id,
          outcome.result.class_name,
          outcome.result.probability.toFixed(4),
        ]
      : [outcome.file, `error ${outcome.error.code}: ${oneLine(outcome.error.message)}`],
  );
  // An error cell runs to the end of its line and does not widen the columns.
  const sized = [header, ...rows.filter((row) => row.length === header.length)];
  const widths = header.map((_, column) =>
    Math.max(...sized.map((row) => (row[column] ?? '').length)),
  );
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, column) =>
          column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
        )
        .join('  '),
    )
    .map((line) => `${line}\n`)
    .join('');
}

const oneLine = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, ' ');
