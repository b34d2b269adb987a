import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, Client } from './client';

type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;

/** A loopback server that records what the client sent and answers as told. */
async function serve(handler: Handler): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const prediction = { class_id: 'n01440764', class_name: 'tench', class_index: 0, probability: 0.9 };

describe('Client', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('sends the image as the multipart field "file" and returns the typed result', async () => {
    let seen = '';
    const started = await serve((req, body, res) => {
      seen = `${req.method} ${req.url} ${req.headers['content-type']?.split(';')[0]} ${body.includes('name="file"; filename="fish.jpg"')} ${body.includes('IMAGEBYTES')}`;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          ...prediction,
          top_k: [prediction],
          model: { name: 'm', test_model: true },
          job_id: 'j1',
          timings: {},
        }),
      );
    });
    server = started.server;
    const result = await new Client({ url: `${started.url}/` }).classify(
      Buffer.from('IMAGEBYTES'),
      {
        filename: 'fish.jpg',
        topK: 1,
      },
    );
    expect(seen).toBe('POST /run_inference?top_k=1 multipart/form-data true true');
    expect(result.class_name).toBe('tench');
    expect(result.job_id).toBe('j1');
  });

  it('turns an error body into an ApiError with its code and status', async () => {
    const started = await serve((_req, _body, res) => {
      res.statusCode = 415;
      res.end(
        JSON.stringify({ error: { code: 'UNSUPPORTED_FORMAT', message: 'the upload is TIFF' } }),
      );
    });
    server = started.server;
    const error = await new Client({ url: started.url })
      .classify(Buffer.from('x'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 415,
      code: 'UNSUPPORTED_FORMAT',
      message: 'the upload is TIFF',
    });
  });

  it('refuses a 200 that is not a classification', async () => {
    const started = await serve((_req, _body, res) => res.end('{"class_id": 3}'));
    server = started.server;
    await expect(new Client({ url: started.url }).classify(Buffer.from('x'))).rejects.toMatchObject(
      {
        code: 'BAD_RESPONSE',
      },
    );
  });
});
