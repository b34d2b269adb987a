import type { z } from 'zod';

/**
 * A type guard derived from a schema: the one definition decides what a valid message is, for
 * the api's checks and the client's alike.
 */
export function guardOf<S extends z.ZodType>(schema: S) {
  return (value: unknown): value is z.output<S> => schema.safeParse(value).success;
}
