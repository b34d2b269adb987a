/**
 * Reads typed fields out of parsed JSON. Every failure names the file and the dotted field path
 * (`models/x.json: "preprocessing.mean" must be …`), so a bad manifest is fixed from one line.
 */
export class FieldReader {
  private readonly fields: Record<string, unknown>;

  constructor(
    value: unknown,
    private readonly source: string,
    private readonly path = '',
  ) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw this.error(path, 'must be a JSON object');
    }
    this.fields = value as Record<string, unknown>;
  }

  has(key: string): boolean {
    return this.fields[key] !== undefined;
  }

  object(key: string): FieldReader {
    return new FieldReader(this.fields[key], this.source, this.at(key));
  }

  string(key: string, pattern?: RegExp, patternText?: string): string {
    const value = this.fields[key];
    if (typeof value !== 'string' || value === '') this.fail(key, 'must be a non-empty string');
    if (pattern && !pattern.test(value)) this.fail(key, `must be ${patternText}, got "${value}"`);
    return value;
  }

  nullableString(key: string): string | null {
    return this.fields[key] === null ? null : this.string(key);
  }

  boolean(key: string): boolean {
    const value = this.fields[key];
    if (typeof value !== 'boolean') this.fail(key, 'must be true or false');
    return value;
  }

  positiveNumber(key: string): number {
    const value = this.fields[key];
    if (typeof value !== 'number' || !(value > 0)) this.fail(key, 'must be a positive number');
    return value;
  }

  positiveInteger(key: string): number {
    const value = this.positiveNumber(key);
    if (!Number.isInteger(value)) this.fail(key, 'must be a positive integer');
    return value;
  }

  literal<const T extends string>(key: string, allowed: readonly T[]): T {
    const value = this.fields[key];
    if (!allowed.includes(value as T)) this.fail(key, `must be one of ${allowed.join(', ')}`);
    return value as T;
  }

  numberTriple(key: string): [number, number, number] {
    const value = this.fields[key];
    const ok = Array.isArray(value) && value.length === 3 && value.every(isFiniteNumber);
    if (!ok) this.fail(key, 'must be an array of 3 numbers');
    return value as [number, number, number];
  }

  /** A tensor shape whose first (batch) dimension is the dynamic `"N"`. */
  batchShape(key: string): ['N', ...number[]] {
    const value = this.fields[key];
    const ok =
      Array.isArray(value) &&
      value[0] === 'N' &&
      value.length > 1 &&
      value.slice(1).every((d) => Number.isInteger(d) && (d as number) > 0);
    if (!ok) this.fail(key, 'must be ["N", …positive integers] (dynamic batch first)');
    return value as ['N', ...number[]];
  }

  stringList(key: string): string[] {
    const value = this.fields[key];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
      this.fail(key, 'must be a list of non-empty strings');
    }
    return value as string[];
  }

  fail(key: string, problem: string): never {
    throw this.error(this.at(key), problem);
  }

  private at(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  private error(field: string, problem: string): Error {
    const what = field === '' ? 'the manifest' : `"${field}"`;
    return new Error(`invalid manifest ${this.source}: ${what} ${problem}`);
  }
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
