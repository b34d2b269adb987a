import type { Worker } from 'bullmq';
import type { IncomingMessage, Server } from 'node:http';
import { connect } from 'node:net';
import { HeldJobs } from '../testing/held-jobs';
import { RawConnection } from '../testing/raw-http';
import { photoBytes, startTestApi, type TestApi } from '../testing/test-api';
import { madeUpResult, startTestWorker } from '../testing/test-worker';

/** Resolves once a new connection to `url` is refused: the server has stopped listening. */
async function untilRefused(url: string): Promise<void> {
  for (;;) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(new URL(url).port), '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    if (refused) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves once `server` has read the head of the request with X-Request-Id `requestId`. */
function requestRead(server: Server, requestId: string): Promise<void> {
  return new Promise((resolve) => {
    const onRequest = (req: IncomingMessage) => {
      if (req.headers['x-request-id'] !== requestId) return;
      server.off('request', onRequest);
      resolve();
    };
    server.on('request', onRequest);
  });
}

/**
 * On shutdown the api stops listening, refuses what still arrives on open connections, and
 * answers the requests already waiting for their jobs before Redis closes.
 */
describe('ShutdownDrain', () => {
  let api: TestApi;
  let worker: Worker;
  const held = new HeldJobs();

  beforeAll(async () => {
    api = await startTestApi();
    worker = await startTestWorker(api.config.queuePrefix, async (job) => {
      await held.hold(job.data.requestId);
      return { result: madeUpResult(job.data.topK) };
    });
  });

  afterAll(async () => {
    held.releaseAll();
    await worker.close();
    await api.close();
  });

  it('answers the request in flight, and refuses one that arrives while draining', async () => {
    const image = photoBytes();
    const head = (requestId: string, path: string, length: number) =>
      `${path} HTTP/1.1\r\nHost: ${new URL(api.url).host}\r\nX-Request-Id: ${requestId}\r\n` +
      `Content-Type: image/jpeg\r\nContent-Length: ${length}\r\n\r\n`;
    const connection = new RawConnection(api.url);
    await connection.write(head('in-flight', 'POST /run_inference', image.length));
    await connection.write(image);
    await held.taken('in-flight');

    let closed = false;
    const closing = api.close().then(() => (closed = true));
    await untilRefused(api.url);
    // Pipelined behind the request in flight, on its connection: the server reads it while
    // draining, and refuses it. The first is answered only once the server has read the second:
    // read after that answer, it would find an idle connection, which the shutdown may close.
    const lateRead = requestRead(api.app.getHttpServer(), 'late');
    await connection.write(head('late', 'GET /health/live', 0));
    await lateRead;
    expect([closed, connection.statuses()]).toEqual([false, []]);

    held.release('in-flight');
    const reply = await connection.untilClosed();
    await closing;
    expect(connection.statuses()).toEqual([200, 503]);
    expect(reply).toContain('"the server is shutting down; retry shortly"');
    expect(reply).toMatch(/connection: close/i);
  });
});
