import { connect } from 'node:net';
import { useTestApi } from '../testing/test-api';

const MiB = 1024 * 1024;

/** Sends an 11 MiB body without waiting; what came back, and the socket's error, if any. */
function uploadTooLarge(url: string): Promise<{ reply: string; error: string | undefined }> {
  return new Promise((resolve) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    const received: Buffer[] = [];
    let error: string | undefined;
    socket.on('connect', () => {
      socket.write(
        `POST /run_inference HTTP/1.1\r\nHost: ${new URL(url).host}\r\n` +
          `Content-Type: image/jpeg\r\nContent-Length: ${11 * MiB}\r\n\r\n`,
      );
      for (let i = 0; i < 11; i++) socket.write(Buffer.alloc(MiB));
    });
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.on('close', () => resolve({ reply: Buffer.concat(received).toString('latin1'), error }));
  });
}

/** A refusal sent while the client is still writing its body reaches the client. */
describe('closing a connection refused mid-body', () => {
  const api = useTestApi();

  it('answers 413 and closes without a reset that could discard the answer', async () => {
    // Closing with the body unread resets the connection: the writing client then got EPIPE
    // every time here, and lost the answer itself about half the time.
    for (let attempt = 0; attempt < 5; attempt++) {
      const { reply, error } = await uploadTooLarge(api().url);
      expect(reply).toMatch(/^HTTP\/1\.1 413 /);
      expect(reply).toContain('"code":"PAYLOAD_TOO_LARGE"');
      expect(error).toBeUndefined();
    }
  });
});
