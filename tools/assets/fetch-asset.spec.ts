import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AssetFile } from '@imgcls/models';
import { fetchAsset } from './fetch-asset';

const BODY = Buffer.from('not really an ONNX graph, but bytes all the same\n');
const SHA256 = createHash('sha256').update(BODY).digest('hex');
const PTH_NAME = `densenet121-${SHA256.slice(0, 8)}.pth`;

describe('fetchAsset over HTTP', () => {
  let server: Server;
  let baseUrl: string;
  let requests: string[];
  let dir: string;
  const log = (): void => undefined;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/moved') {
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
    await fetchAsset(asset(), dir, { log });
    expect(readFileSync(join(dir, 'model.onnx'))).toEqual(BODY);
    expect(readdirSync(dir)).toEqual(['model.onnx']);
  });

  it('skips a file that is already there with the right checksum', async () => {
    await fetchAsset(asset(), dir, { log });
    const lines: string[] = [];
    await fetchAsset(asset(), dir, { log: (line) => lines.push(line) });
    expect(requests).toEqual(['/model.onnx']);
    expect(lines).toEqual([expect.stringMatching(/model\.onnx is in place$/)]);
  });

  it('follows redirects', async () => {
    await fetchAsset(asset({ url: `${baseUrl}/moved` }), dir, { log });
    expect(requests).toEqual(['/moved', '/model.onnx']);
    expect(readFileSync(join(dir, 'model.onnx'))).toEqual(BODY);
  });

  it('refuses a download whose SHA-256 does not match and leaves nothing behind', async () => {
    const expected = '0'.repeat(64);
    await expect(fetchAsset(asset({ sha256: expected }), dir, { log })).rejects.toThrow(
      `refused model.onnx from ${baseUrl}/model.onnx: sha256 mismatch: ` +
        `expected ${expected}, got ${SHA256}; the file was deleted`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('replaces a present file whose checksum is wrong', async () => {
    writeFileSync(join(dir, 'model.onnx'), 'truncated');
    await fetchAsset(asset(), dir, { log });
    expect(readFileSync(join(dir, 'model.onnx'))).toEqual(BODY);
  });

  it('checks a torchvision .pth by the 8-hex prefix in its name', async () => {
    const pth = { file: PTH_NAME, url: `${baseUrl}/${PTH_NAME}`, sha256Prefix: SHA256.slice(0, 8) };
    await fetchAsset(pth, dir, { log });
    expect(readdirSync(dir)).toEqual([PTH_NAME]);

    rmSync(join(dir, PTH_NAME));
    await expect(fetchAsset({ ...pth, sha256Prefix: 'a639ec97' }, dir, { log })).rejects.toThrow(
      `sha256 mismatch: expected a hash starting a639ec97, got ${SHA256}`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('names the URL and the status when the server answers with an error', async () => {
    await expect(fetchAsset(asset({ url: `${baseUrl}/gone` }), dir, { log })).rejects.toThrow(
      `cannot download ${baseUrl}/gone: the server answered 404`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('says that a mirror-only file needs ASSET_MIRROR', async () => {
    await expect(fetchAsset(asset({ url: null }), dir, { log })).rejects.toThrow(
      /model\.onnx has no public URL: it is only in the asset mirror; set ASSET_MIRROR/,
    );
    expect(requests).toEqual([]);
  });
});
