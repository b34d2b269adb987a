/** One target for one server, model or stack layout; `pass` is undefined when it was not measured. */
export interface TargetCheck {
  id: string;
  stack: string;
  pass: boolean | undefined;
  detail: string;
}

/** A check before the caller names the stack layout it belongs to. */
export type Check = Omit<TargetCheck, 'stack'>;

/**
 * What the targets need besides the measurements: the machine's cores, and, for a model made by
 * quantizing another (INT8), that model's name from `quantize.from` in its manifest.
 */
export interface TargetContext {
  cores: number;
  quantizedFrom?: string;
}

export const skip = (id: string, why: string): Check => ({ id, pass: undefined, detail: why });

/** A figure to one decimal, or "—" where it is missing. */
export const fixed1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '—');

export const percent = (fraction: number): string => `${(fraction * 100).toFixed(0)}%`;

export function formatCheck(check: TargetCheck): string {
  const verdict = check.pass === undefined ? 'SKIP' : check.pass ? 'PASS' : 'FAIL';
  return `${verdict} ${check.id} — ${check.detail}`;
}
