import { StartupError } from './parse-env';

/**
 * Turns a failure to listen into one line that names the port and how to choose another;
 * other errors are returned as they are.
 */
export function listenError(
  error: unknown,
  portVariable: string,
  port: number,
  host: string,
): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const where = `${host}:${port}`;
  if (code === 'EADDRINUSE') {
    return new StartupError(
      `${portVariable}=${port}: ${where} is already in use by another program; stop it, or ` +
        `choose another port, e.g. ${portVariable}=${port === 5000 ? 5001 : port + 1} ` +
        `(${portVariable}=0 picks a free one)`,
    );
  }
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return new StartupError(
      `${portVariable}=${port}: cannot listen on ${where} (${String(code)}); choose a port ` +
        'above 1023, e.g. 5001, or an address this machine has (HOST=127.0.0.1)',
    );
  }
  return error;
}
