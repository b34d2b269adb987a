import type { ClassifyResponse } from '@imgcls/contracts';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ApiError } from '../api-error';
import type { Client } from '../client';
import type { ClassifyMode, ClassifyOptions } from '../client-options';

/** What became of one file: its classification, or why there is none. */
export type FileOutcome =
  | { file: string; result: ClassifyResponse }
  | { file: string; error: { code: string; message: string } };

export interface ClassifyFilesOptions {
  client: Client;
  concurrency: number;
  mode: ClassifyMode;
  topK?: number;
  onRetry?: ClassifyOptions['onRetry'];
}

/**
 * Classifies files with at most `concurrency` requests in flight. A failure is an outcome, not
 * an exception, so one bad file never stops the run. `onOutcome` sees each file as it ends.
 */
export async function classifyFiles(
  files: readonly string[],
  options: ClassifyFilesOptions,
  onOutcome: (outcome: FileOutcome, index: number) => void,
): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let index = next++; index < files.length; index = next++) {
      const file = files[index] ?? '';
      const outcome = await classifyFile(file, options);
      outcomes[index] = outcome;
      onOutcome(outcome, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, files.length) }, lane));
  return outcomes;
}

async function classifyFile(file: string, options: ClassifyFilesOptions): Promise<FileOutcome> {
  try {
    const image = await readFile(file);
    const result = await options.client.classify(image, {
      filename: basename(file),
      mode: options.mode,
      topK: options.topK,
      onRetry: options.onRetry,
    });
    return { file, result };
  } catch (error) {
    return { file, error: describeFailure(error) };
  }
}

/** The api's code for its errors, the system's (ENOENT, EACCES) for files that cannot be read. */
export function describeFailure(error: unknown): { code: string; message: string } {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    message?: unknown;
  };
  return {
    code: typeof code === 'string' ? code : 'ERROR',
    // Node says `ENOENT: no such file or directory, stat 'x'`; the code is reported apart.
    message: typeof message === 'string' ? message.replace(/^[A-Z]+: /, '') : String(error),
  };
}
