import type { HostileCase } from './hostile-case';
import { multipartBytes, raw } from './http-outcome';
import { requestHead } from './raw-http';

/** The service's default MAX_UPLOAD_BYTES (10 MiB). */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
const MiB = 1024 * 1024;

/** The stack's REQUEST_TIMEOUT_MS and HEADERS_TIMEOUT_MS, small so that slow clients fail fast. */
export const SLOW_CLIENT_TIMEOUT_MS = 2_000;
/** Node checks request deadlines every second; the answer may come that much later. */
const SLOW_CLIENT_BOUND_MS = SLOW_CLIENT_TIMEOUT_MS + 2_500;

/** The body as chunked transfer-coding pieces of `piece` bytes, then the last chunk. */
function chunked(body: Buffer, piece: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0; at < body.length; at += piece) {
    const data = body.subarray(at, at + piece);
    const size = Buffer.from(`${data.length.toString(16)}\r\n`);
    pieces.push(Buffer.concat([size, data, Buffer.from('\r\n')]));
  }
  return [...pieces, Buffer.from('0\r\n\r\n')];
}

type Headers = [string, string][];
const post = (url: string, headers: Headers) => requestHead('POST', '/run_inference', url, headers);
const JPEG_TYPE: [string, string] = ['Content-Type', 'image/jpeg'];

/** A request over a bare socket: what fetch cannot or will not send. */
const rawCase = (
  name: string,
  build: (url: string) => {
    head: string;
    chunks?: Buffer[];
    intervalMs?: number;
    openHead?: boolean;
  },
  expected: Pick<HostileCase, 'status' | 'code' | 'maxMs'>,
): HostileCase => ({
  name,
  send: ({ url }) => raw(url, { timeoutMs: 15_000, ...build(url) }),
  ...expected,
});

const tooLarge = { status: 413, code: 'PAYLOAD_TOO_LARGE' } as const;
const badHttp = { status: 400, code: 'INVALID_REQUEST', maxMs: 1_000 } as const;
const slow = { status: [408, 0], code: 'REQUEST_TIMEOUT', maxMs: SLOW_CLIENT_BOUND_MS } as const;
const headersTooLarge = { status: 431, code: 'HEADERS_TOO_LARGE', maxMs: 1_000 } as const;

/** Sizes, deadlines and framing: the HTTP layer under attack. */
export const FRAMING_CASES: readonly HostileCase[] = [
  rawCase(
    'oversized body, honest Content-Length (11 MiB)',
    (url) => ({
      head: post(url, [JPEG_TYPE, ['Content-Length', String(11 * MiB)]]),
      chunks: Array.from({ length: 11 }, () => Buffer.alloc(MiB)),
    }),
    { ...tooLarge, maxMs: 2_000 },
  ),
  rawCase(
    'Content-Length 10^12, headers only',
    (url) => ({ head: post(url, [JPEG_TYPE, ['Content-Length', '1000000000000']]) }),
    { ...tooLarge, maxMs: 500 },
  ),
  rawCase(
    'chunked raw body past the limit',
    (url) => ({
      head: post(url, [JPEG_TYPE, ['Transfer-Encoding', 'chunked']]),
      chunks: chunked(Buffer.alloc(MAX_UPLOAD_BYTES + MiB), MiB),
    }),
    { ...tooLarge, maxMs: 3_000 },
  ),
  rawCase(
    'chunked multipart file past the limit',
    (url) => {
      const file = {
        field: 'file',
        bytes: Buffer.alloc(MAX_UPLOAD_BYTES + MiB),
        filename: 'a.jpg',
      };
      const type: [string, string] = ['Content-Type', 'multipart/form-data; boundary=b0und'];
      return {
        head: post(url, [type, ['Transfer-Encoding', 'chunked']]),
        chunks: chunked(multipartBytes('b0und', [file]), MiB),
      };
    },
    { ...tooLarge, maxMs: 3_000 },
  ),
  rawCase(
    'slow body: 10 bytes every 400 ms of 1000',
    (url) => ({
      head: post(url, [JPEG_TYPE, ['Content-Length', '1000']]),
      chunks: Array.from({ length: 100 }, () => Buffer.alloc(10, 0xff)),
      intervalMs: 400,
    }),
    slow,
  ),
  rawCase(
    'slow headers: one header line every 400 ms',
    (url) => ({
      head: post(url, [JPEG_TYPE]),
      openHead: true,
      chunks: Array.from({ length: 100 }, (_, i) => Buffer.from(`X-Slow-${i}: 1\r\n`)),
      intervalMs: 400,
    }),
    slow,
  ),
  rawCase(
    '200 headers',
    (url) => ({
      head: post(url, [
        JPEG_TYPE,
        ['Content-Length', '0'],
        ...Array.from({ length: 200 }, (_, i): [string, string] => [`X-H-${i}`, 'v']),
      ]),
    }),
    headersTooLarge,
  ),
  rawCase(
    'one 17 KiB header',
    (url) => ({
      head: post(url, [JPEG_TYPE, ['Content-Length', '0'], ['X-Big', 'a'.repeat(17 * 1024)]]),
    }),
    headersTooLarge,
  ),
  rawCase(
    'both Content-Length and Transfer-Encoding',
    (url) => ({
      head: post(url, [JPEG_TYPE, ['Content-Length', '5'], ['Transfer-Encoding', 'chunked']]),
      chunks: [Buffer.from('0\r\n\r\n')],
    }),
    badHttp,
  ),
  rawCase(
    'two different Content-Lengths',
    (url) => ({
      head: post(url, [JPEG_TYPE, ['Content-Length', '5'], ['Content-Length', '6']]),
      chunks: [Buffer.from('abcdef')],
    }),
    badHttp,
  ),
  rawCase(
    'a negative Content-Length',
    (url) => ({ head: post(url, [JPEG_TYPE, ['Content-Length', '-1']]) }),
    badHttp,
  ),
  rawCase(
    'chunked body with an invalid chunk size',
    (url) => ({
      head: post(url, [JPEG_TYPE, ['Transfer-Encoding', 'chunked']]),
      chunks: [Buffer.from('zz\r\nhello\r\n0\r\n\r\n')],
    }),
    badHttp,
  ),
  rawCase(
    'a header name with a space',
    (url) => ({ head: post(url, [JPEG_TYPE, ['Content-Length', '0'], ['Bad Header', 'x']]) }),
    badHttp,
  ),
  rawCase(
    'HTTP/1.1 without Host',
    () => ({
      head: 'POST /run_inference HTTP/1.1\r\nContent-Type: image/jpeg\r\nContent-Length: 0',
    }),
    badHttp,
  ),
];
