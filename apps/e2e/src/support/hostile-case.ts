import {
  isClassifyResult,
  isErrorBody,
  type ClassifyResponse,
  type ErrorCode,
} from '@imgcls/contracts';
import type { Outcome } from './http-outcome';
import { leaksIn } from './leak-scan';

/** What a case may use besides its own request. */
export interface CaseContext {
  url: string;
  /** Classifies `bytes` (raw body, sniffed format) and fails unless the answer is 200. */
  classify(bytes: Buffer, contentType?: string): Promise<ClassifyResponse>;
}

/** One row of the hostile-input table: a request, and the answer it must get. */
export interface HostileCase {
  name: string;
  send(ctx: CaseContext): Promise<Outcome>;
  /** Allowed statuses; 0 stands for "the server closed the connection without answering". */
  status: number | readonly number[];
  /** For error statuses: the `error.code` of the JSON body. */
  code?: ErrorCode;
  /** The request must be answered within this long. */
  maxMs?: number;
  /** Further checks of a 200 answer (its class, a comparison with another image's answer). */
  verify?(result: ClassifyResponse, ctx: CaseContext): Promise<void> | void;
}

const allowed = (c: HostileCase): readonly number[] =>
  typeof c.status === 'number' ? [c.status] : c.status;

/** Every way `outcome` departs from what `c` expects; empty when it is as expected. */
export async function problemsWith(
  c: HostileCase,
  outcome: Outcome,
  ctx: CaseContext,
  prefix: string,
): Promise<string[]> {
  const problems: string[] = [];
  const shown = `${outcome.status} ${JSON.stringify(outcome.body).slice(0, 300)}`;
  if (!allowed(c).includes(outcome.status)) {
    problems.push(`status ${outcome.status}, expected ${allowed(c).join(' or ')}: ${shown}`);
  }
  if (c.maxMs !== undefined && outcome.ms > c.maxMs) {
    problems.push(`took ${Math.round(outcome.ms)} ms, limit ${c.maxMs} ms`);
  }
  if (outcome.status >= 400) {
    if (!isErrorBody(outcome.body))
      problems.push(`error body is not {error:{code,message}}: ${shown}`);
    else if (c.code !== undefined && outcome.body.error.code !== c.code)
      problems.push(`code ${outcome.body.error.code}, expected ${c.code}: ${shown}`);
    problems.push(...leaksIn(outcome.body, prefix));
  }
  if (outcome.status === 200 && allowed(c).includes(200)) {
    if (!isClassifyResult(outcome.body)) problems.push(`200 body is not a result: ${shown}`);
    else {
      try {
        await c.verify?.(outcome.body as ClassifyResponse, ctx);
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
    }
  }
  return problems;
}

/** Same class, and top-1 probabilities within `tolerance`: the service saw the same picture. */
export function expectSameAnswer(
  what: string,
  got: ClassifyResponse,
  reference: ClassifyResponse,
  tolerance: number,
): void {
  const gap = Math.abs(got.probability - reference.probability);
  if (got.class_id !== reference.class_id || gap > tolerance) {
    throw new Error(
      `${what}: got ${got.class_id} p=${got.probability.toFixed(4)}, ` +
        `reference ${reference.class_id} p=${reference.probability.toFixed(4)} (tolerance ${tolerance})`,
    );
  }
}

/** The answers differ: the class, or the top-1 probability by more than `margin`. */
export function expectDifferentAnswer(
  what: string,
  got: ClassifyResponse,
  other: ClassifyResponse,
  margin: number,
): void {
  const gap = Math.abs(got.probability - other.probability);
  if (got.class_id === other.class_id && gap <= margin) {
    throw new Error(
      `${what}: ${got.class_id} p=${got.probability.toFixed(4)} is indistinguishable from ` +
        `${other.class_id} p=${other.probability.toFixed(4)}`,
    );
  }
}

export function expectClass(what: string, got: ClassifyResponse, wnid: string): void {
  if (got.class_id !== wnid) {
    throw new Error(`${what}: class ${got.class_id} (${got.class_name}), expected ${wnid}`);
  }
}
