import { classifyResponse } from '../test/fake-api';
import { ProgressReporter } from './progress-reporter';

const good = { file: 'a.jpg', result: classifyResponse('j') };
const bad = { file: 'b.jpg', error: { code: 'INVALID_IMAGE', message: 'truncated' } };

describe('ProgressReporter', () => {
  it('writes plain lines at most once a second when stderr is not a terminal', () => {
    let nowMs = 0;
    const lines: string[] = [];
    const progress = new ProgressReporter(
      { write: (text: string) => lines.push(text) },
      4,
      {},
      () => nowMs,
    );
    nowMs = 500;
    progress.settled(good);
    nowMs = 1_200;
    progress.settled(bad);
    nowMs = 1_500;
    progress.settled(good);
    nowMs = 2_000;
    progress.finish();
    expect(lines).toEqual([
      'error: b.jpg: INVALID_IMAGE: truncated\n',
      '2/4 (50%), 1.7 img/s, 1 error\n',
      '3 files, 1 error, 2.00 s, 1.50 img/s\n',
    ]);
  });

  it('leaves the errors to the results when they share the terminal, and prints notes', () => {
    const lines: string[] = [];
    const progress = new ProgressReporter({ write: (text: string) => lines.push(text) }, 2, {
      showErrors: false,
    });
    progress.note('waiting: UNAVAILABLE: no worker');
    progress.settled(bad);
    expect(lines).toEqual(['waiting: UNAVAILABLE: no worker\n']);
  });
});
