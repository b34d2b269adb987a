import { connect, type Socket } from 'node:net';

/** A bare TCP connection to the test api, for what fetch will not send (or not twice). */
export class RawConnection {
  private readonly socket: Socket;
  private readonly received: Buffer[] = [];
  private readonly ended: Promise<void>;

  constructor(url: string) {
    this.socket = connect(Number(new URL(url).port), '127.0.0.1');
    this.socket.on('data', (chunk: Buffer) => this.received.push(chunk));
    this.ended = new Promise((resolve) => this.socket.once('close', () => resolve()));
    this.socket.on('error', () => undefined); // a reset ends the exchange like a close
  }

  write(bytes: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.write(bytes, (error) => (error ? reject(error) : resolve())),
    );
  }

  /** Everything the server sent, once it has closed the connection. */
  async untilClosed(): Promise<string> {
    await this.ended;
    return Buffer.concat(this.received).toString('latin1');
  }

  /** The status codes of the responses received so far, in order. */
  statuses(): number[] {
    const text = Buffer.concat(this.received).toString('latin1');
    return [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1]));
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Sends `head` (request line and headers, CRLF-separated) and `body`; the whole reply. */
export async function rawExchange(url: string, head: string, body = ''): Promise<string> {
  const connection = new RawConnection(url);
  await connection.write(`${head}\r\n\r\n${body}`);
  const timer = setTimeout(() => connection.close(), 10_000);
  try {
    return await connection.untilClosed();
  } finally {
    clearTimeout(timer);
  }
}
