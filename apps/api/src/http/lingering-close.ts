import type { IncomingMessage, ServerResponse } from 'node:http';

/** How long a connection refused mid-body goes on discarding input before it is destroyed. */
const LINGER_MS = 2_000;

/** The most of an unread body worth discarding to keep its connection, as Go's net/http does. */
export const DRAIN_MAX_BYTES = 256 * 1024;

/**
 * Settles the connection of a request answered with an error, the body perhaps unread (a bad
 * query, or a full queue, is refused before the upload is read). A small body of a declared
 * size that nothing has begun to read (a photo refused by admission control: the client
 * writes it anyway) is discarded by Node once the answer is sent, and the connection then
 * serves the client's next request: closing would cost both sides a new connection. The
 * discarding gets LINGER_MS, as a lingering close does. Any other unread body, and `close`,
 * closes the connection after the answer.
 */
export function settleConnection(
  request: IncomingMessage,
  response: ServerResponse,
  close: boolean,
): void {
  if (!close && request.complete) return;
  if (!close && drainsCheaply(request)) return discardWithin(request, LINGER_MS);
  closeAfterAnswer(request, response);
}

function drainsCheaply(request: IncomingMessage): boolean {
  const declared = Number(request.headers['content-length']);
  const untouched = request.readableFlowing === null && !request.readableDidRead;
  return untouched && Number.isSafeInteger(declared) && declared <= DRAIN_MAX_BYTES;
}

/** A body still arriving after `ms` is not worth waiting for: the connection is destroyed. */
function discardWithin(request: IncomingMessage, ms: number): void {
  const socket = request.socket;
  const timer = setTimeout(() => socket.destroy(), ms).unref();
  request.once('end', () => clearTimeout(timer));
  socket.once('close', () => clearTimeout(timer));
}

/**
 * Closes the connection once the answer is sent, without losing the answer. A refusal sent
 * before the body was read (too large, bad query) closes a socket whose client is still
 * writing, and closing a socket with unread input sends a TCP reset, which can reach the
 * client before it has read the answer: it then sees a reset, not the 413. So, as nginx's
 * lingering close does, the socket half-closes after the answer and discards what still
 * arrives, until the client closes or LINGER_MS have passed.
 */
function closeAfterAnswer(request: IncomingMessage, response: ServerResponse): void {
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
