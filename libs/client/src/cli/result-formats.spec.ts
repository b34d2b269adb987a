import { classifyResponse } from '../test/fake-api';
import type { FileOutcome } from './classify-files';
import { CSV_HEADER, formatCsvRow, formatJsonLine, formatTable } from './result-formats';
import { formatSummary } from './run-summary';

const tench: FileOutcome = { file: 'fish.jpg', result: classifyResponse('j1') };
const ray: FileOutcome = {
  file: 'photos/ray, "electric".png',
  result: { ...classifyResponse('j2', 'electric ray'), probability: 0.12345 },
};
const broken: FileOutcome = {
  file: 'x.gif',
  error: { code: 'INVALID_IMAGE', message: 'cannot decode:\ntruncated' },
};

describe('result formats', () => {
  it('aligns a table, and lets an error run to the end of its row', () => {
    expect(formatTable([tench, broken, ray])).toBe(
      [
        'FILE                        CLASS_ID   CLASS_NAME    PROBABILITY',
        'fish.jpg                    n01440764  tench         0.9000',
        'x.gif                       error INVALID_IMAGE: cannot decode: truncated',
        'photos/ray, "electric".png  n01440764  electric ray  0.1235',
        '',
      ].join('\n'),
    );
  });

  it('writes one JSON object per line: the whole answer with its file, or the error', () => {
    const lines = [tench, broken].map(formatJsonLine);
    expect(lines.every((line) => line.endsWith('}\n') && !line.slice(0, -1).includes('\n'))).toBe(
      true,
    );
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      { file: 'fish.jpg', ...classifyResponse('j1') },
      { file: 'x.gif', error: { code: 'INVALID_IMAGE', message: 'cannot decode:\ntruncated' } },
    ]);
  });

  it('writes RFC 4180 CSV, quoting what needs it', () => {
    expect(CSV_HEADER + [tench, ray, broken].map(formatCsvRow).join('')).toBe(
      'file,class_id,class_name,probability,error_code,error_message\n' +
        'fish.jpg,n01440764,tench,0.9,,\n' +
        '"photos/ray, ""electric"".png",n01440764,electric ray,0.12345,,\n' +
        'x.gif,,,,INVALID_IMAGE,"cannot decode:\ntruncated"\n',
    );
  });

  it('sums a run up in one line', () => {
    expect(formatSummary({ files: 40, errors: 1, elapsedMs: 8_000 })).toBe(
      '40 files, 1 error, 8.00 s, 5.00 img/s',
    );
    expect(formatSummary({ files: 1, errors: 0, elapsedMs: 0 })).toBe(
      '1 file, 0 errors, 0.00 s, 0.00 img/s',
    );
  });
});
