import { ExpressAdapter } from '@nestjs/platform-express';
import type { ErrorCode } from '@imgcls/contracts';
import { createServer, type RequestListener } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiConfig } from '../config';

/** Node's reasons for refusing a request before it reaches a route, as our codes. */
function refusalFor(error: NodeJS.ErrnoException): [number, ErrorCode, string] {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return [431, 'HEADERS_TOO_LARGE', 'the request headers are too large'];
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return [408, 'REQUEST_TIMEOUT', 'the request was not received in time'];
  }
  return [400, 'INVALID_REQUEST', 'the request is not valid HTTP/1.1'];
}

/** A request Node refused before routing: what was answered, and Node's own reason. */
export interface NodeRefusal {
  status: number;
  code: ErrorCode;
  /** Node's error code, e.g. HPE_UNEXPECTED_CONTENT_LENGTH, ERR_HTTP_REQUEST_TIMEOUT. */
  reason: string;
  remoteAddress: string | undefined;
}

/**
 * Express under a Node server with the limits an internet-facing endpoint needs: header
 * size, the time to send headers and the whole request (checked every second), and JSON
 * errors even for requests Node refuses before routing (smuggling-style framing included).
 */
export class HardenedExpressAdapter extends ExpressAdapter {
  private refusalListener: ((refusal: NodeRefusal) => void) | undefined;

  constructor(private readonly config: ApiConfig) {
    super();
  }

  /** Node's refusals never reach the request log; this tells the app about each one. */
  onNodeRefusal(listener: (refusal: NodeRefusal) => void): void {
    this.refusalListener = listener;
  }

  override initHttpServer(): void {
    const refused = new WeakSet<Duplex>();
    const server = createServer(
      {
        maxHeaderSize: this.config.maxHeaderBytes,
        requestTimeout: this.config.requestTimeoutMs,
        headersTimeout: this.config.headersTimeoutMs,
        connectionsCheckingInterval: 1_000,
        keepAliveTimeout: 5_000,
        // Node would answer a missing Host itself, without a JSON body; the middleware does.
        requireHostHeader: false,
      },
      this.getInstance<RequestListener>(),
    );
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
      // Bytes still arriving on a refused connection raise more errors: one refusal each.
      if (error.code === 'ECONNRESET' || refused.has(socket)) return void socket.destroy();
      refused.add(socket);
      const [status, code, message] = refusalFor(error);
      const remoteAddress = (socket as Duplex & { remoteAddress?: string }).remoteAddress;
      const reason = error.code ?? 'unknown';
      this.refusalListener?.({ status, code, reason, remoteAddress });
      if (!socket.writable) return void socket.destroy();
      const body = JSON.stringify({ error: { code, message } });
      socket.end(
        `HTTP/1.1 ${status} ${code}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
    this.setHttpServer(server);
  }
}
