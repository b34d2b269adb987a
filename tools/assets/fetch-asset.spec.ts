import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AssetFile } from '@imgcls/models';
import { fetchAsset } from './fetch-asset';

const BODY = Buffer.from('not really an ONNX graph, but bytes all the same\n');
const SHA256 = createHash('sha256').update(BODY).digest('hex');
const PTH_NAME = `densenet121-${SHA256.slice(0, 8)}.pth`;
const MIB = 1024 * 1024;

describe('fetchAsset over HTTP', () => {
  let server: Server;
  let baseUrl: string;
  let requests: string[];
  let dir: string;
  const log = (): void => undefined;
  /** The test server is plain http on loopback, which only tests may name. */
  const testServer = { log, allowLoopbackHttp: true };

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const hop = /^\/hop\/(\d+)$/.exec(req.url ?? '');
      if (hop) {
        const left = Number(hop[1]);
        res.writeHead(302, { location: left > 1 ? `/hop/${left - 1}` : '/model.onnx' }).end();
      } else if (req.url === '/to-http') {
        res.writeHead(302, { location: 'http://assets.example/model.onnx' }).end();
      } else if (req.url === '/endless') {
        streamEndlessly(res);
      } else if (req.url === '/moved') {
        res.writeHead(302, { location: '/model.onnx' }).end();
      } else if (req.url === '/model.onnx' || req.url === `/${PTH_NAME}`) {
        res.writeHead(200, { 'content-length': BODY.length }).end(BODY);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((closed) => server.close(() => closed())));

  /** 64 MiB in 64 KiB writes, without a Content-Length; counts what the client took. */
  let streamed = { bytes: 0, closedEarly: false };
  function streamEndlessly(res: ServerResponse): void {
    streamed = { bytes: 0, closedEarly: false };
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const chunk = Buffer.alloc(64 * 1024, 7);
    const write = () => {
      while (streamed.bytes < 64 * MIB && !res.destroyed) {
        streamed.bytes += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', write);
      }
      res.end();
    };
    res.on('close', () => (streamed.closedEarly = streamed.bytes < 64 * MIB));
    write();
  }

  beforeEach(() => {
    requests = [];
    dir = mkdtempSync(join(tmpdir(), 'fetch-asset-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const asset = (overrides: Partial<AssetFile> = {}): AssetFile => ({
    file: 'model.onnx',
    url: `${baseUrl}/model.onnx`,
    sha256: SHA256,
    ...overrides,
  });

  it('downloads a file, verifies it and puts it in place', async () => {
    await fetchAsset(asset(), dir, testServer);
    expect(readFileSync(join(dir, 'model.onnx'))).toEqual(BODY);
    expect(readdirSync(dir)).toEqual(['model.onnx']);
  });

  it('skips a file that is already there with the right checksum', async () => {
    await fetchAsset(asset(), dir, testServer);
    const lines: string[] = [];
    await fetchAsset(asset(), dir, { ...testServer, log: (line) => lines.push(line) });
    expect(requests).toEqual(['/model.onnx']);
    expect(lines).toEqual([expect.stringMatching(/model\.onnx is in place$/)]);
  });

  it('follows redirects', async () => {
    await fetchAsset(asset({ url: `${baseUrl}/moved` }), dir, testServer);
    expect(requests).toEqual(['/moved', '/model.onnx']);
    expect(readFileSync(join(dir, 'model.onnx'))).toEqual(BODY);
  });

  it('refuses a download whose SHA-256 does not match and leaves nothing behind', async () => {
    const expected = '0'.repeat(64);
    await expect(fetchAsset(asset({ sha256: expected }), dir, testServer)).rejects.toThrow(
      `refused model.onnx from ${baseUrl}/model.onnx: sha256 mismatch: ` +
        `expected ${expected}, got ${SHA256}; the file was deleted`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('replaces a present file whose checksum is wrong', async () => {
    writeFileSync(join(dir, 'model.onnx'), 'truncated');
    await fetchAsset(asset(), dir, testServer);
    expect(readFileSync(join(dir, 'model.onnx'))).toEqual(BODY);
  });

  it('checks a torchvision .pth by the 8-hex prefix in its name', async () => {
    const pth = { file: PTH_NAME, url: `${baseUrl}/${PTH_NAME}`, sha256Prefix: SHA256.slice(0, 8) };
    await fetchAsset(pth, dir, testServer);
    expect(readdirSync(dir)).toEqual([PTH_NAME]);

    rmSync(join(dir, PTH_NAME));
    await expect(fetchAsset({ ...pth, sha256Prefix: 'a639ec97' }, dir, testServer)).rejects.toThrow(
      `sha256 mismatch: expected a hash starting a639ec97, got ${SHA256}`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('names the URL and the status when the server answers with an error', async () => {
    await expect(fetchAsset(asset({ url: `${baseUrl}/gone` }), dir, testServer)).rejects.toThrow(
      `cannot download ${baseUrl}/gone: the server answered 404`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('says that a mirror-only file needs ASSET_MIRROR', async () => {
    await expect(fetchAsset(asset({ url: null }), dir, testServer)).rejects.toThrow(
      /model\.onnx has no public URL: it is only in the asset mirror; set ASSET_MIRROR/,
    );
    expect(requests).toEqual([]);
  });

  it('cuts off a 64 MiB stream for a 1,000-byte asset early and leaves nothing behind', async () => {
    const small = asset({ url: `${baseUrl}/endless`, bytes: 1000 });
    await expect(fetchAsset(small, dir, testServer)).rejects.toThrow(
      `cannot download ${baseUrl}/endless: the server sent at least`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100)); // the server sees the close
    expect(streamed.closedEarly).toBe(true);
    expect(streamed.bytes).toBeLessThan(8 * MIB); // socket buffers, not the whole stream
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses from Content-Length alone a body larger than the manifest says', async () => {
    await expect(fetchAsset(asset({ bytes: 10 }), dir, testServer)).rejects.toThrow(
      `the server sent ${BODY.length} bytes; the asset has 10 at most`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('follows 5 redirects and refuses a sixth', async () => {
    await fetchAsset(asset({ url: `${baseUrl}/hop/5` }), dir, testServer);
    expect(readFileSync(join(dir, 'model.onnx'))).toEqual(BODY);
    rmSync(join(dir, 'model.onnx'));
    await expect(fetchAsset(asset({ url: `${baseUrl}/hop/6` }), dir, testServer)).rejects.toThrow(
      `cannot download ${baseUrl}/hop/6: more than 5 redirects`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses plain http: a redirect to it, and any http URL unless a loopback test server', async () => {
    await expect(fetchAsset(asset({ url: `${baseUrl}/to-http` }), dir, testServer)).rejects.toThrow(
      `cannot download ${baseUrl}/to-http (redirected to http://assets.example/model.onnx): only https:// is allowed`,
    );
    await expect(fetchAsset(asset(), dir, { log })).rejects.toThrow(
      `cannot download ${baseUrl}/model.onnx: only https:// is allowed`,
    );
    expect(requests).toEqual(['/to-http']);
    expect(readdirSync(dir)).toEqual([]);
  });
});
