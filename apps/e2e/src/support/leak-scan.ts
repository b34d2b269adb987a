/** What an error body must never carry: the internals an attacker would like to see. */
const LEAKS: readonly (readonly [string, RegExp])[] = [
  ['a stack frame', /\n\s*at |\bat [\w.<>]+ \(|\bat (?:async )?\/|Error: .*\n/],
  ['a file path', /\/work\b|\/home\/|\/usr\/|\/tmp\/|node_modules|dist\/apps|[A-Za-z]:\\/],
  ['a source location', /\.(?:ts|js|mjs|cjs):\d*/],
  ['a Redis key or queue name', /\bbull:|:classify:|:image:|\btest-e2e-|\bimgcls:/],
];

/**
 * Problems found in an error body: stack traces, file paths, source locations, Redis keys or
 * this stack's QUEUE_PREFIX. Empty when the body is clean.
 */
export function leaksIn(body: unknown, queuePrefix: string): string[] {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const found = LEAKS.filter(([, pattern]) => pattern.test(text)).map(
    ([what]) => `the error body leaks ${what}: ${text.slice(0, 300)}`,
  );
  if (queuePrefix.length > 0 && text.includes(queuePrefix)) {
    found.push(`the error body leaks the QUEUE_PREFIX: ${text.slice(0, 300)}`);
  }
  return found;
}
