import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './shared-data';

/** `.env.example` as a map of variable → value (comments and blank lines skipped). */
export function envExample(): Record<string, string> {
  const text = readFileSync(join(REPO_ROOT, '.env.example'), 'utf8');
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/** The variables the README's configuration table names. */
export function readmeVariables(): Set<string> {
  const text = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const rows = text.split('\n').filter((line) => line.startsWith('| `') && line.includes('|'));
  return new Set(
    rows.flatMap((row) =>
      [...(row.split('|')[1] ?? '').matchAll(/`([A-Z_]+)`/g)].map((m) => m[1] ?? ''),
    ),
  );
}
