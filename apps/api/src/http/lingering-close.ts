import type { IncomingMessage, ServerResponse } from 'node:http';

/** How long a connection refused mid-body goes on discarding input before it is destroyed. */
const LINGER_MS = 2_000;

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
