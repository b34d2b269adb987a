import { Agent, request, type ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import { MULTIPART_TYPE } from './inputs';

export interface PostAnswer {
  status: number;
  /** The parsed JSON body; undefined when it was not JSON. */
  body: unknown;
  /** Whether the answer named a `Retry-After` (a 503 should). */
  retryAfter: boolean;
}

/** A keep-alive pool that counts the connections it opens (a server that closes them shows). */
export class ConnectionPool extends Agent {
  opened = 0;

  override createConnection(
    options: ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    this.opened += 1;
    return super.createConnection(options, callback);
  }
}

/**
 * A keep-alive connection pool sized to the concurrency, so that no request waits for a socket
 * and no cell pays for a TCP handshake per request.
 */
export function createPool(concurrency: number): ConnectionPool {
  return new ConnectionPool({
    keepAlive: true,
    maxSockets: concurrency,
    maxFreeSockets: concurrency,
  });
}

/**
 * POSTs a pre-encoded multipart body with node:http rather than fetch: on 2 shared cores the
 * load generator must cost as little CPU as possible, and this path does no per-request encoding.
 */
export function postMultipart(
  agent: Agent,
  url: URL,
  body: Buffer,
  timeoutMs: number,
): Promise<PostAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        agent,
        method: 'POST',
        timeout: timeoutMs,
        headers: { 'content-type': MULTIPART_TYPE, 'content-length': body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: parseJson(Buffer.concat(chunks)),
            retryAfter: res.headers['retry-after'] !== undefined,
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
