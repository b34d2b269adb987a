import type { PipeTransform } from '@nestjs/common';
import { ServiceError } from '@imgcls/contracts';
import type { z } from 'zod';

/**
 * Checks a request part (the query, say) against its contract schema before the handler runs,
 * so a bad parameter is refused before the upload is read. The first problem is the message.
 */
export class SchemaPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    const parsed = this.schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const [issue] = parsed.error.issues;
    throw new ServiceError('INVALID_REQUEST', issue?.message ?? 'the request is malformed');
  }
}
