import type { IncomingMessage, ServerResponse } from 'node:http';

/** How long a connection refused mid-body goes on discarding input before it is destroyed. */
const LINGER_MS = 2_000;

/** The most of an unread body worth discarding to keep its connection, as Go's net/http does. */
export const DRAIN_MAX_BYTES = 256 * 1024;

/**
 * Whether a request answered before its body was read can keep its connection: Node discards
 * an untouched body once the answer is sent, and then reads the client's next request. Worth
 * it for a body of a declared, small size (a photo refused by admission control: the client
 * writes it anyway, and closing would cost both sides a new connection for the next request);
 * not for a large or chunked one, nor for a body a parser had begun to read.
 */
export function drainsCheaply(request: IncomingMessage): boolean {
  const declared = Number(request.headers['content-length']);
  const untouched = request.readableFlowing === null && !request.readableDidRead;
  return untouched && Number.isSafeInteger(declared) && declared <= DRAIN_MAX_BYTES;
}

/**
 * Closes the connection once the answer is sent, without losing the answer. A refusal sent
 * before the body was read (too large, bad query) closes a socket whose client is still
 * writing, and closing a socket with unread input sends a TCP reset, which can reach the
 * client before it has read the answer: it then sees a reset, not the 413. So, as nginx's
 * lingering close does, the socket half-closes after the answer and discards what still
 * arrives, until the client closes or LINGER_MS have passed.
 */
export function closeAfterAnswer(request: IncomingMessage, response: ServerResponse): void {
  response.setHeader('Connection', 'close');
  if (request.complete) return;
  const socket = request.socket;
  // Node ends a `Connection: close` response's socket with destroySoon().
  socket.destroySoon = () => {
    request.unpipe();
    request.removeAllListeners('data');
    request.resume();
    socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS).unref();
    socket.once('close', () => clearTimeout(timer));
  };
}
