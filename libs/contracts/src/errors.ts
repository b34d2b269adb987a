import { z } from 'zod';
import { guardOf } from './schema-guard';

/**
 * The stable error codes of the service. Clients match on `code`, never on `message`.
 * The api maps each code to exactly one HTTP status (apps/api/src/errors/error-status.ts).
 */
export const ERROR_CODES = [
  /** The request is malformed: no `file` field, several files, an unparsable body. */
  'INVALID_REQUEST',
  /** `API_KEYS` is set and the request carries no key, or a wrong one. */
  'UNAUTHORIZED',
  /** The client was too slow to send its request. */
  'REQUEST_TIMEOUT',
  /** Too many request headers, or too large. */
  'HEADERS_TOO_LARGE',
  /** The Content-Type (or Content-Encoding) of the request is not accepted. */
  'UNSUPPORTED_MEDIA_TYPE',
  /** The bytes are not an image in an allowed format (sniffed from the bytes, not the name). */
  'UNSUPPORTED_FORMAT',
  /** The bytes look like an allowed format but cannot be decoded. */
  'INVALID_IMAGE',
  /** The upload is larger than `MAX_UPLOAD_BYTES`. */
  'PAYLOAD_TOO_LARGE',
  /** The decoded image would exceed the pixel, side or aspect-ratio limits. */
  'IMAGE_TOO_LARGE',
  /** The image would cost more CPU to decode than a job may spend (JPEG scans, decode time). */
  'IMAGE_TOO_COMPLEX',
  /** No such route, or no such job (unknown or expired id). */
  'NOT_FOUND',
  /** The job passed its deadline before a worker could start it, or its upload expired. */
  'TIMEOUT',
  /**
   * The queue is at `MAX_QUEUE_DEPTH` or `MAX_QUEUED_BYTES`, or a new job's estimated wait is
   * over 85% of `MAX_QUEUE_WAIT_MS` (the rest is left for the workers' rate to vary): retry
   * after the `Retry-After` seconds.
   */
  'QUEUE_FULL',
  /** The service cannot take the request right now (Redis unreachable, shutting down). */
  'UNAVAILABLE',
  /** A failure inside the service; the message never carries internals. */
  'INTERNAL',
] as const;

export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** What failed: a stable code for programs, a sentence for people. */
export const ErrorDetailSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string().meta({ description: 'What failed, the offending value and what is allowed' }),
});

/** The JSON body of every error response. */
export const ErrorBodySchema = z.object({ error: ErrorDetailSchema });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export const isErrorCode = guardOf(ErrorCodeSchema);

/**
 * A failure with a stable code. The worker throws it (wrapped as BullMQ's UnrecoverableError
 * when the input is at fault), the api turns it into an HTTP answer.
 */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** For a temporary refusal: when to come back, in seconds, if the service can tell. */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

const FAILURE_SEPARATOR = ': ';

/**
 * BullMQ keeps only a string (`failedReason`) for a failed job. A job failure is encoded as
 * `CODE: message` so the api can recover the code without matching on free text.
 */
export function encodeJobFailure(code: ErrorCode, message: string): string {
  return `${code}${FAILURE_SEPARATOR}${message}`;
}

/** Inverse of {@link encodeJobFailure}. Anything else is an internal failure, with its text hidden. */
export function decodeJobFailure(failedReason: string | undefined): ServiceError {
  const at = failedReason?.indexOf(FAILURE_SEPARATOR) ?? -1;
  const code = at > 0 ? failedReason?.slice(0, at) : undefined;
  if (failedReason !== undefined && isErrorCode(code)) {
    return new ServiceError(code, failedReason.slice(at + FAILURE_SEPARATOR.length));
  }
  return new ServiceError('INTERNAL', 'the job failed inside the service');
}

/** Narrows a parsed JSON body to the service's error shape. */
export const isErrorBody = guardOf(ErrorBodySchema);
