import { z } from 'zod';

/** The most classes a request may ask for (`top_k`), and the api's `TOP_K` default may be. */
export const MAX_TOP_K = 20;

/** The formats the service accepts, sniffed from the bytes; extensions only label an upload. */
export const IMAGE_FORMATS = {
  jpeg: { name: 'JPEG', mediaType: 'image/jpeg', extensions: ['jpg', 'jpeg'] },
  png: { name: 'PNG', mediaType: 'image/png', extensions: ['png'] },
  webp: { name: 'WebP', mediaType: 'image/webp', extensions: ['webp'] },
  gif: { name: 'GIF', mediaType: 'image/gif', extensions: ['gif'] },
  bmp: { name: 'BMP', mediaType: 'image/bmp', extensions: ['bmp'] },
} as const;
export type ImageFormat = keyof typeof IMAGE_FORMATS;

const topKMessage = (input: unknown): string =>
  `top_k must be a whole number from 1 to ${MAX_TOP_K}; got "${String(input)}"`;

/**
 * The query of `POST /run_inference`, checked before the body is read. Query values arrive as
 * strings; `top_k` becomes a number here.
 */
export const ClassifyQuerySchema = z.object({
  top_k: z
    .string({ error: (issue) => topKMessage(issue.input) })
    .regex(/^\d+$/, { error: (issue) => topKMessage(issue.input) })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, { error: (issue) => topKMessage(issue.input) })
        .max(MAX_TOP_K, { error: (issue) => topKMessage(issue.input) }),
    )
    .optional()
    .meta({ description: `how many classes to return (default: the TOP_K setting)` }),
  mode: z
    .enum(['sync', 'async'], {
      error: (issue) => `mode must be "sync" or "async"; got "${String(issue.input)}"`,
    })
    .optional()
    .meta({ description: '`async` answers 202 at once; wins over the Prefer header' }),
});
export type ClassifyQuery = z.output<typeof ClassifyQuerySchema>;
