import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './shared-data';

const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');
const headings = (text: string): string[] =>
  text
    .split('\n')
    .filter((line) => line.startsWith('## '))
    .map((line) => line.slice(3));

describe('the operator documentation', () => {
  it('says on the README first screen what is needed and how to try a real model offline', () => {
    const firstScreen = read('README.md').split('\n').slice(0, 20).join('\n');
    expect(firstScreen).toContain('Node.js ≥ 20.9');
    expect(firstScreen).toContain('**Redis**');
    expect(firstScreen).toContain('Try it offline with a real model');
    expect(firstScreen).toContain('MODEL=mobilenetv2-12-int8 npm start');
    for (const page of ['troubleshooting', 'operations', 'your-own-model']) {
      expect(firstScreen).toContain(`(docs/${page}.md)`);
      expect([page, existsSync(join(REPO_ROOT, `docs/${page}.md`))]).toEqual([page, true]);
    }
  });

  it('has a troubleshooting entry for each failure an operator meets first', () => {
    const titles = headings(read('docs/troubleshooting.md')).join('\n');
    for (const topic of [
      /no worker is running/,
      /Redis is down/,
      /already in use/,
      /One queue serves one model/,
      /Slow answers/,
      /503s/,
      /Memory/,
    ]) {
      expect(titles).toMatch(topic);
    }
  });

  it('covers sizing, scaling and monitoring, and the whole own-model recipe', () => {
    expect(headings(read('docs/operations.md'))).toEqual([
      'The pieces',
      'Sizing per core',
      'Scaling across machines',
      'What to monitor',
    ]);
    expect(headings(read('docs/your-own-model.md'))).toEqual([
      '1. The files',
      '2. The model manifest',
      '3. The labels',
      '4. Preprocessing: what exists',
      '5. Check it',
    ]);
  });
});
