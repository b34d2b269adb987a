import { parseArgs } from 'node:util';
import { MAX_TOP_K } from '@imgcls/contracts';
import { DEFAULT_URL, type ClassifyMode } from '../client-options';

export const OUTPUT_FORMATS = ['table', 'jsonl', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
const MODES: readonly ClassifyMode[] = ['sync', 'async'];
const MAX_CONCURRENCY = 64;

export const USAGE = `Usage: classify [options] <files or folders...>

Classifies images with the imgcls api. Folders are searched recursively for
.jpg, .jpeg, .png, .webp and .gif files (hidden ones skipped).

Options:
  --url URL              api base URL (default: $IMGCLS_URL, else ${DEFAULT_URL})
  -c, --concurrency N    requests in flight, 1..${MAX_CONCURRENCY} (default 4)
  -f, --format FORMAT    table, jsonl or csv (default table)
  --mode MODE            sync, or async: submit, then poll the job (default sync)
  -k, --top-k N          classes per image, 1..${MAX_TOP_K} (default: the api's; jsonl shows them all)
  --api-key KEY          sent as x-api-key (default: $IMGCLS_API_KEY)
  -h, --help             this text

Results go to stdout, progress and the summary to stderr.
Exit status: 0 all classified, 1 some failed, 2 usage error.`;

export interface CliOptions {
  url: string;
  concurrency: number;
  format: OutputFormat;
  mode: ClassifyMode;
  topK: number | undefined;
  apiKey: string | undefined;
  paths: string[];
  help: boolean;
}

/** A command line that cannot run: the message says what was wrong; exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Reads the command line (and the two variables it falls back on) into checked options. */
export function parseCliArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliOptions {
  const { values, positionals } = readArgv(argv);
  const help = values.help ?? false;
  if (!help && positionals.length === 0) throw new UsageError('no files or folders given');
  return {
    url: checkUrl(values.url ?? env['IMGCLS_URL'] ?? DEFAULT_URL),
    concurrency: checkCount('--concurrency', values.concurrency ?? '4', MAX_CONCURRENCY),
    format: checkChoice('--format', values.format ?? 'table', OUTPUT_FORMATS),
    mode: checkChoice('--mode', values.mode ?? 'sync', MODES),
    topK:
      values['top-k'] === undefined ? undefined : checkCount('--top-k', values['top-k'], MAX_TOP_K),
    apiKey: values['api-key'] ?? (env['IMGCLS_API_KEY'] || undefined),
    paths: positionals,
    help,
  };
}

function readArgv(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        concurrency: { type: 'string', short: 'c' },
        format: { type: 'string', short: 'f' },
        mode: { type: 'string' },
        'top-k': { type: 'string', short: 'k' },
        'api-key': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // parseArgs says what is wrong: `Unknown option '--x'`, `Option '--url <value>' argument missing`.
    const { message } = error as { message?: unknown };
    throw new UsageError(typeof message === 'string' ? message : String(error));
  }
}

function checkUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--url ${JSON.stringify(value)} is not a URL (e.g. ${DEFAULT_URL})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url ${JSON.stringify(value)} is not http:// or https://`);
  }
  return value;
}

function checkCount(flag: string, value: string, max: number): number {
  const count = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(count >= 1 && count <= max)) {
    throw new UsageError(`${flag} ${JSON.stringify(value)} is not a whole number from 1 to ${max}`);
  }
  return count;
}

function checkChoice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  const choice = choices.find((c) => c === value);
  if (choice === undefined) {
    throw new UsageError(`${flag} ${JSON.stringify(value)} is not one of: ${choices.join(', ')}`);
  }
  return choice;
}
