/** One sample of the Prometheus text exposition format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const COMMENT = /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/;

/** Parses Prometheus text; any line that is not a sample, HELP, TYPE or blank is an error. */
export function parsePrometheus(text: string): Sample[] {
  return text.split('\n').flatMap((line, i): Sample[] => {
    if (line === '' || COMMENT.test(line)) return [];
    const match = SAMPLE.exec(line);
    // Values are Go floats: NaN and Inf in any case (prom-client writes an empty gauge as "Nan").
    const value = match
      ? Number(match[4]?.replace(/^\+?inf$/i, 'Infinity').replace(/^-inf$/i, '-Infinity'))
      : NaN;
    if (!match || (Number.isNaN(value) && !/^nan$/i.test(match[4] ?? ''))) {
      throw new Error(`line ${i + 1} is not Prometheus text: ${line}`);
    }
    const labels: Record<string, string> = {};
    for (const [, key = '', value = ''] of (match[3] ?? '').matchAll(LABEL)) labels[key] = value;
    return [{ name: match[1] ?? '', labels, value }];
  });
}

/** Sum of the samples named `name` whose labels include `labels`. */
export function total(
  samples: Sample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}
