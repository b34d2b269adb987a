import { raw, type Outcome } from './http-outcome';
import { requestHead } from './raw-http';

export interface SlowUploadOptions {
  mode?: 'sync' | 'async';
  /** The photo goes in this many pieces, `intervalMs` apart (its last one at (pieces − 1) × that). */
  pieces: number;
  intervalMs: number;
  timeoutMs?: number;
}

/**
 * A raw JPEG upload whose body arrives slowly, with its Content-Length: an answer that comes
 * before the last piece was sent was given before the body was read. Sending stops once the
 * answer starts.
 */
export function slowUpload(
  url: string,
  bytes: Buffer,
  options: SlowUploadOptions,
): Promise<Outcome> {
  const { mode = 'async', pieces, intervalMs, timeoutMs } = options;
  const size = Math.ceil(bytes.length / pieces);
  const chunks = Array.from({ length: pieces }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
  const head = requestHead('POST', `/run_inference?mode=${mode}`, url, [
    ['content-type', 'image/jpeg'],
    ['content-length', String(bytes.length)],
  ]);
  return raw(url, { head, chunks, intervalMs, timeoutMs });
}
