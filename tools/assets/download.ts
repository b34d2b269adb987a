import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';

const MIB = 1024 * 1024;
// Without a Content-Length there is no percentage; report every so many bytes instead.
const PROGRESS_EVERY_BYTES = 32 * MIB;
/** What to do when the network is not there (docs/troubleshooting.md says more). */
const OFFLINE_HINT =
  'Offline? Put the file into models/ yourself (its manifest gives the name and SHA-256), or ' +
  'try the service with a real model from the shared test assets: ' +
  '`npm run assets:test && MODEL=mobilenetv2-12-int8 npm start` (docs/troubleshooting.md)';

/**
 * Streams `url` into `destination` (following redirects, as GitHub's raw links need). Reports
 * progress through `log` a few times, not per chunk, so CI logs stay readable.
 */
export async function downloadFile(
  url: string,
  destination: string,
  log: (line: string) => void,
): Promise<void> {
  const response = await fetch(url, { redirect: 'follow' }).catch((error: unknown) => {
    throw new Error(`cannot download ${url}: ${networkReason(error)}. ${OFFLINE_HINT}`);
  });
  if (!response.ok || response.body === null) {
    throw new Error(`cannot download ${url}: the server answered ${response.status}`);
  }
  const totalBytes = Number(response.headers.get('content-length')) || undefined;
  log(`downloading ${url}${totalBytes ? ` (${formatMiB(totalBytes)})` : ''}`);
  await pipeline(
    Readable.fromWeb(response.body as ReadableStream<Uint8Array>),
    progressMeter(totalBytes, log),
    createWriteStream(destination),
  );
}

/** Passes bytes through, logging at each quarter (or every 32 MiB when the size is unknown). */
function progressMeter(totalBytes: number | undefined, log: (line: string) => void): Transform {
  let received = 0;
  let reported = 0;
  const step = totalBytes ? totalBytes / 4 : PROGRESS_EVERY_BYTES;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received - reported >= step) {
        reported = received;
        const percent = totalBytes ? ` ${Math.round((100 * received) / totalBytes)}%` : '';
        log(`  ${formatMiB(received)}${percent}`);
      }
      done(null, chunk);
    },
  });
}

function formatMiB(bytes: number): string {
  return `${(bytes / MIB).toFixed(1)} MiB`;
}

// fetch() reports every network failure as "fetch failed"; the useful part is in `cause`.
function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  return cause instanceof Error ? cause.message : error.message;
}
