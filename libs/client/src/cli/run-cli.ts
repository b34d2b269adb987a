import { Client } from '../client';
import { parseCliArgs, UsageError, USAGE, type CliOptions } from './cli-args';
import { classifyFiles, type FileOutcome } from './classify-files';
import { findImages } from './find-images';
import { ProgressReporter, type ProgressStream } from './progress-reporter';
import { ResultWriter } from './result-writer';

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
  const { files, unreadable } = await findImages(options.paths);
  if (files.length === 0 && unreadable.length === 0) {
    const where = options.paths.join(', ');
    io.stderr.write(`classify: no .jpg, .jpeg, .png, .webp or .gif files in ${where}\n`);
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
  const progress = new ProgressReporter(io.stderr, unreadable.length + files.length);
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
  const client = new Client({ url: options.url, apiKey: options.apiKey });
  await classifyFiles(files, { ...options, client }, (outcome, index) => {
    if ('error' in outcome) failed++;
    progress.settled(outcome);
    output.add(unreadable.length + index, outcome);
  });
  output.end();
  progress.finish();
  return failed > 0 ? 1 : 0;
}
