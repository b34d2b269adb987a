import type { ApiError } from '../api-error';
import { Client } from '../client';
import { parseCliArgs, UsageError, USAGE, type CliOptions } from './cli-args';
import { classifyFiles, type FileOutcome } from './classify-files';
import { findImages } from './find-images';
import { ProgressReporter, type ProgressStream } from './progress-reporter';
import { ResultWriter } from './result-writer';
import { plural } from './run-summary';

/** What the CLI touches of its process, so tests can hand it their own. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: ProgressStream;
  env: Readonly<Record<string, string | undefined>>;
}

/** The `classify` command. Resolves to the exit status: 0 all classified, 1 some failed, 2 usage. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliArgs(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`classify: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { files, unreadable, skipped } = await findImages(options.paths);
  if (skipped > 0) {
    io.stderr.write(
      `classify: skipped ${plural(skipped, 'file')} whose names are not .jpg, .jpeg, .png, .webp, .gif or .bmp\n`,
    );
  }
  if (files.length === 0 && unreadable.length === 0) {
    const where = options.paths.join(', ');
    io.stderr.write(`classify: no .jpg, .jpeg, .png, .webp, .gif or .bmp files in ${where}\n`);
    return 2;
  }

  return classifyAndReport(options, files, unreadable, io);
}

/** Classifies the files found, writing results, progress and the summary; 1 if any failed. */
async function classifyAndReport(
  options: CliOptions,
  files: readonly string[],
  unreadable: readonly FileOutcome[],
  io: CliIo,
): Promise<number> {
  // When the results go to the same terminal, their rows show the errors: print them once.
  const progress = new ProgressReporter(io.stderr, unreadable.length + files.length, {
    showErrors: !io.stdout.isTTY,
  });
  // Only a terminal shared with the progress bar needs the bar out of the way.
  const output = new ResultWriter(options.format, (text) =>
    io.stdout.isTTY ? progress.print(() => io.stdout.write(text)) : io.stdout.write(text),
  );
  let failed = 0;
  // Paths that could not be read come first; then the files, numbered after them.
  unreadable.forEach((outcome, index) => {
    failed++;
    progress.settled(outcome);
    output.add(index, outcome);
  });
  const timeoutMs = options.timeoutS * 1000;
  const client = new Client({ url: options.url, apiKey: options.apiKey, waitTimeoutMs: timeoutMs });
  // Said once, so that a run that waits (no worker, Redis away) never looks hung.
  let told = false;
  const onRetry = (refusal: ApiError) => {
    if (told) return;
    told = true;
    progress.note(
      `waiting: the api answered ${refusal.code}: ${refusal.message}; ` +
        `retrying each image for up to ${options.timeoutS} s (--timeout)`,
    );
  };
  await classifyFiles(files, { ...options, client, onRetry }, (outcome, index) => {
    if ('error' in outcome) failed++;
    progress.settled(outcome);
    output.add(unreadable.length + index, outcome);
  });
  output.end();
  progress.finish();
  return failed > 0 ? 1 : 0;
}
