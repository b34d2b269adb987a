import { cleanEnv, EnvError, EnvMissingError, makeValidator, type CleanedEnv } from 'envalid';
import { isIP } from 'node:net';

/**
 * A problem that stops a process from starting (bad environment, missing model, wrong checksum).
 * main() prints its message as one line and exits non-zero; it never carries a stack.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/**
 * Validates the environment once; every bad variable is named in one StartupError, with its
 * value, what is allowed and a valid example (the spec's `example`, else its default).
 */
export function parseEnv<S>(env: NodeJS.ProcessEnv, specs: S): CleanedEnv<S> {
  return cleanEnv(env, specs, {
    reporter: ({ errors }) => {
      const problems = Object.entries(errors).map(
        ([name, error]) => `${describe(name, env, error)}${exampleOf(name, specs)}`,
      );
      if (problems.length > 0) {
        throw new StartupError(`Invalid environment: ${problems.join('; ')}`);
      }
    },
  });
}

function exampleOf(name: string, specs: unknown): string {
  type Spec = { example?: string; default?: string | number | boolean | string[] };
  const spec = (specs as Record<string, Spec | undefined>)[name];
  const example = spec?.example ?? spec?.default;
  if (example === undefined || (Array.isArray(example) && example.length === 0)) return '';
  return ` (e.g. ${name}=${Array.isArray(example) ? example.join(',') : String(example)})`;
}

function describe(name: string, env: NodeJS.ProcessEnv, error: unknown): string {
  if (error instanceof EnvMissingError) return `${name} is required`;
  const reason = error instanceof EnvError || error instanceof Error ? error.message : 'invalid';
  return `${name}=${JSON.stringify(env[name])} ${reason}`;
}

/** `redis://` or `rediss://` URL. */
export const redisUrl = makeValidator<string>((input) => {
  let parsed: URL;
  try {
    parsed = new URL(input);
  } catch {
    throw new EnvError('is not a redis:// URL');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new EnvError('is not a redis:// URL');
  }
  return input;
});

/** Prefix of every Redis key a stack writes; letters, digits, `_`, `-` and `.` only. */
export const keyPrefix = makeValidator<string>((input) => {
  if (!/^[\w.-]{1,64}$/.test(input)) {
    throw new EnvError('must be 1–64 letters, digits, "_", "-" or "."');
  }
  return input;
});

/** A whole number ≥ 0. */
export const count = makeValidator<number>((input) => {
  const value = Number(input);
  if (!/^\d+$/.test(input.trim()) || !Number.isSafeInteger(value)) {
    throw new EnvError('must be a whole number ≥ 0');
  }
  return value;
});

/** A whole number ≥ 1 (counts, milliseconds, bytes). */
export const positiveInt = makeValidator<number>((input) => {
  const value = Number(input);
  if (!Number.isSafeInteger(value) || value < 1 || !/^\d+$/.test(input.trim())) {
    throw new EnvError('must be a whole number ≥ 1');
  }
  return value;
});

/** A TCP port to listen on; 0 asks the OS for a free one (tests read the port back). */
export const listenPort = makeValidator<number>((input) => {
  const value = Number(input);
  if (!/^\d+$/.test(input.trim()) || value > 65535) {
    throw new EnvError('must be a port number from 0 to 65535 (0 picks a free port)');
  }
  return value;
});

/** A comma-separated list; blanks around items and empty items are dropped. */
export const commaList = makeValidator<string[]>((input) =>
  input
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);

/** A whole number from `min` to `max`. */
export function intRange(min: number, max: number) {
  return makeValidator<number>((input) => {
    const value = Number(input);
    if (!/^\d+$/.test(input.trim()) || value < min || value > max) {
      throw new EnvError(`must be a whole number from ${min} to ${max}`);
    }
    return value;
  });
}

/** One of a few words. */
export function oneOf<T extends string>(choices: readonly T[]) {
  return makeValidator<T>((input) => {
    const found = choices.find((choice) => choice === input);
    if (found === undefined) throw new EnvError(`must be one of ${choices.join(', ')}`);
    return found;
  });
}

const HOST_NAME =
  /^(?=.{1,253}$)([a-z\d]([a-z\d-]{0,61}[a-z\d])?)(\.[a-z\d]([a-z\d-]{0,61}[a-z\d])?)*$/i;

/** An address to bind or reach: an IPv4 or IPv6 address, or a host name (not all digits). */
export const hostAddress = makeValidator<string>((input) => {
  const looksNumeric = /^[\d.]+$/.test(input);
  if (isIP(input) !== 0 || (!looksNumeric && HOST_NAME.test(input))) return input;
  throw new EnvError('must be an IP address or a host name (0.0.0.0 listens on every interface)');
});
