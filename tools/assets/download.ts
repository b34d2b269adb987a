import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';

const MIB = 1024 * 1024;
// Without a Content-Length there is no percentage; report every so many bytes instead.
const PROGRESS_EVERY_BYTES = 32 * MIB;
/** GitHub's raw links redirect once or twice; a longer chain is a loop or a trap. */
export const MAX_REDIRECTS = 5;
/** The cap for an asset whose manifest states no `bytes`: the largest we ship is ~130 MiB. */
export const MAX_DOWNLOAD_BYTES = 1024 * MIB;

export interface DownloadOptions {
  log: (line: string) => void;
  /** The stream is cut off, and the download refused, past this many bytes. */
  maxBytes: number;
  /** Tests only: allow plain http:// to a server on loopback. Everything else needs https. */
  allowLoopbackHttp?: boolean;
}

/** What to do when the network is not there (docs/troubleshooting.md says more). */
const OFFLINE_HINT =
  'Offline? Put the file into models/ yourself (its manifest gives the name and SHA-256), or ' +
  'try the service with a real model from the shared test assets: ' +
  '`npm run assets:test && MODEL=mobilenetv2-12-int8 npm start` (docs/troubleshooting.md)';

/**
 * Streams `url` into `destination` over https, following at most MAX_REDIRECTS redirects (each
 * to https), and stops as soon as the body passes `maxBytes` (or refuses from Content-Length
 * alone). Reports progress through `log` a few times, not per chunk, so CI logs stay readable.
 * The caller deletes `destination` on failure.
 */
export async function downloadFile(
  url: string,
  destination: string,
  options: DownloadOptions,
): Promise<void> {
  const response = await follow(url, options);
  const declared = Number(response.headers.get('content-length')) || undefined;
  if (declared !== undefined && declared > options.maxBytes) {
    await response.body?.cancel();
    throw new Error(`cannot download ${url}: ${tooLarge(declared, options.maxBytes)}`);
  }
  options.log(`downloading ${url}${declared ? ` (${formatMiB(declared)})` : ''}`);
  await pipeline(
    Readable.fromWeb(response.body as ReadableStream<Uint8Array>),
    progressMeter(declared, options),
    createWriteStream(destination),
  ).catch((error: unknown) => {
    throw new Error(`cannot download ${url}: ${networkReason(error)}`);
  });
}

/** Fetches `url`, following redirects by hand so that each hop is checked. */
async function follow(url: string, options: DownloadOptions): Promise<Response> {
  let current = url;
  for (let hop = 0; ; hop += 1) {
    checkScheme(current, options, url);
    const response = await fetch(current, { redirect: 'manual' }).catch((error: unknown) => {
      throw new Error(`cannot download ${url}: ${networkReason(error)}. ${OFFLINE_HINT}`);
    });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) {
      if (!response.ok || response.body === null) {
        throw new Error(`cannot download ${url}: the server answered ${response.status}`);
      }
      return response;
    }
    await response.body?.cancel();
    if (hop === MAX_REDIRECTS) {
      throw new Error(`cannot download ${url}: more than ${MAX_REDIRECTS} redirects`);
    }
    current = new URL(location, current).href;
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function checkScheme(target: string, options: DownloadOptions, original: string): void {
  const { protocol, hostname } = new URL(target);
  if (protocol === 'https:') return;
  if (protocol === 'http:' && options.allowLoopbackHttp === true && LOOPBACK.has(hostname)) return;
  const where = target === original ? '' : ` (redirected to ${target})`;
  throw new Error(`cannot download ${original}${where}: only https:// is allowed`);
}

/** Passes bytes through, logging at each quarter, and fails the stream past `maxBytes`. */
function progressMeter(totalBytes: number | undefined, options: DownloadOptions): Transform {
  let received = 0;
  let reported = 0;
  const step = totalBytes ? totalBytes / 4 : PROGRESS_EVERY_BYTES;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received > options.maxBytes) {
        return done(new Error(tooLarge(received, options.maxBytes, 'at least ')));
      }
      if (received - reported >= step) {
        reported = received;
        const percent = totalBytes ? ` ${Math.round((100 * received) / totalBytes)}%` : '';
        options.log(`  ${formatMiB(received)}${percent}`);
      }
      done(null, chunk);
    },
  });
}

const tooLarge = (bytes: number, maxBytes: number, atLeast = ''): string =>
  `the server sent ${atLeast}${bytes} bytes; the asset has ${maxBytes} at most (its manifest's "bytes")`;

function formatMiB(bytes: number): string {
  return `${(bytes / MIB).toFixed(1)} MiB`;
}

// fetch() reports every network failure as "fetch failed"; the useful part is in `cause`.
function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  return cause instanceof Error ? cause.message : error.message;
}
