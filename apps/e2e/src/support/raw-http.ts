import { connect } from 'node:net';

/** What came back over a raw connection; `status` 0 means the server closed without a response. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** From the first byte written to the end of the response's header block. */
  headersMs: number;
  /** From the first byte written until the response was complete or the connection ended. */
  totalMs: number;
  /** The connection ended (or was reset) before a whole response arrived. */
  closedEarly: boolean;
}

export interface RawRequest {
  /** The request line and headers, without the blank line that ends them. */
  head: string;
  /** Leave the header block open (the chunks carry the rest of it): a slowloris. */
  openHead?: boolean;
  /** Sent in these pieces, `intervalMs` apart, until a response starts or the socket closes. */
  chunks?: readonly Buffer[];
  intervalMs?: number;
  /** Give up (and destroy the socket) after this long. */
  timeoutMs?: number;
}

/** A request head for `url`'s host: `head('POST', '/x', url, [['content-length', '0']])`. */
export function requestHead(
  method: string,
  path: string,
  url: string,
  headers: readonly (readonly [string, string])[],
): string {
  const lines = [`${method} ${path} HTTP/1.1`, `Host: ${new URL(url).host}`];
  return [...lines, ...headers.map(([name, value]) => `${name}: ${value}`)].join('\r\n');
}

/**
 * Speaks HTTP/1.1 over a bare TCP socket, for what fetch refuses to send (conflicting framing,
 * oversized headers, a body that never finishes) and for timing a response that arrives while
 * the body is still being written. Only 127.0.0.1.
 */
export function rawExchange(url: string, request: RawRequest): Promise<RawResponse> {
  const { port } = new URL(url);
  const timeoutMs = request.timeoutMs ?? 10_000;
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    const received: Buffer[] = [];
    let startMs = 0;
    let headersMs = -1;
    let settled = false;
    let pacer: NodeJS.Timeout | undefined;
    const finish = (closedEarly: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(pacer);
      clearTimeout(deadline);
      socket.destroy();
      resolve({ ...parse(Buffer.concat(received)), headersMs, totalMs: elapsed(), closedEarly });
    };
    const elapsed = () => performance.now() - startMs;
    const deadline = setTimeout(() => finish(true), timeoutMs);
    socket.on('connect', () => {
      startMs = performance.now();
      socket.write(request.openHead ? `${request.head}\r\n` : `${request.head}\r\n\r\n`);
      const chunks = [...(request.chunks ?? [])];
      const sendNext = () => {
        const chunk = chunks.shift();
        if (chunk === undefined || headersMs >= 0 || socket.destroyed) return;
        socket.write(chunk);
        pacer = setTimeout(sendNext, request.intervalMs ?? 0);
      };
      sendNext();
    });
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      const all = Buffer.concat(received);
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (headersMs < 0) headersMs = elapsed();
      const { headers } = parse(all);
      const length = Number(headers['content-length'] ?? NaN);
      if (Number.isFinite(length) && all.length >= end + 4 + length) finish(false);
      if (
        headers['transfer-encoding'] === 'chunked' &&
        all.toString('latin1').endsWith('0\r\n\r\n')
      )
        finish(false);
    });
    // EPIPE/ECONNRESET while still writing: the server answered early and closed; keep what came.
    socket.on('error', () => finish(headersMs < 0));
    socket.on('close', () => finish(headersMs < 0));
  });
}

function parse(bytes: Buffer): Pick<RawResponse, 'status' | 'headers' | 'body'> {
  const text = bytes.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: '' };
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const body = bytes.subarray(end + 4);
  const chunked = headers['transfer-encoding'] === 'chunked';
  return { status, headers, body: (chunked ? dechunk(body) : body).toString('utf8') };
}

/** The data of a chunked body (as far as it arrived). */
function dechunk(body: Buffer): Buffer {
  const pieces: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    const size = lineEnd < 0 ? 0 : parseInt(body.toString('latin1', at, lineEnd), 16);
    if (!(size > 0)) return Buffer.concat(pieces);
    pieces.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
