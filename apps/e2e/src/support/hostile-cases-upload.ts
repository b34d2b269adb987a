import { gzipSync } from 'node:zlib';
import type { HostileCase } from './hostile-case';
import { multipartBytes, postMultipart, postRaw, raw, request } from './http-outcome';
import { sourcePhoto } from './image-fixtures';
import { requestHead } from './raw-http';

const tench = async (): Promise<Buffer> => (await sourcePhoto(0)).bytes;

/** Uploads in the wrong shape, and bad parameters, whatever image they carry. */
export const UPLOAD_CASES: readonly HostileCase[] = [
  {
    name: 'empty raw body (image/jpeg, 0 bytes)',
    send: ({ url }) => postRaw(url, Buffer.alloc(0), 'image/jpeg'),
    status: 400,
    code: 'INVALID_REQUEST',
  },
  {
    name: 'empty multipart file',
    send: ({ url }) =>
      postMultipart(url, [{ field: 'file', bytes: Buffer.alloc(0), filename: 'a.jpg' }]),
    status: 400,
    code: 'INVALID_REQUEST',
  },
  {
    name: 'no body, no Content-Type',
    send: ({ url }) => request(url, '/run_inference', { method: 'POST' }),
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'wrong multipart field name ("image")',
    send: async ({ url }) =>
      postMultipart(url, [{ field: 'image', bytes: await tench(), filename: 'a.jpg' }]),
    status: 400,
    code: 'INVALID_REQUEST',
  },
  {
    name: '"file" sent as a text field, not a file',
    send: async ({ url }) => postMultipart(url, [{ field: 'file', bytes: Buffer.from('hello') }]),
    status: 400,
    code: 'INVALID_REQUEST',
  },
  {
    name: 'two "file" fields',
    send: async ({ url }) => {
      const bytes = await tench();
      return postMultipart(url, [
        { field: 'file', bytes, filename: 'a.jpg' },
        { field: 'file', bytes, filename: 'b.jpg' },
      ]);
    },
    status: 400,
    code: 'INVALID_REQUEST',
  },
  {
    name: 'multipart without a boundary',
    send: async ({ url }) => postRaw(url, await tench(), 'multipart/form-data'),
    status: 400,
    code: 'INVALID_REQUEST',
  },
  {
    name: 'multipart without its closing boundary',
    send: async ({ url }) =>
      postRaw(
        url,
        multipartBytes('xyz', [{ field: 'file', bytes: await tench(), filename: 'a.jpg' }], false),
        'multipart/form-data; boundary=xyz',
      ),
    status: 400,
    code: 'INVALID_REQUEST',
  },
  {
    name: 'multipart with 20 text fields',
    send: async ({ url }) =>
      postMultipart(url, [
        ...Array.from({ length: 20 }, (_, i) => ({ field: `f${i}`, bytes: Buffer.from('x') })),
        { field: 'file', bytes: await tench(), filename: 'a.jpg' },
      ]),
    status: 400,
    code: 'INVALID_REQUEST',
  },
  {
    name: 'filename "../../etc/passwd" (ignored)',
    send: async ({ url }) =>
      postMultipart(url, [{ field: 'file', bytes: await tench(), filename: '../../etc/passwd' }]),
    status: 200,
  },
  {
    name: '2000-char filename with RTL override and quotes',
    send: async ({ url }) =>
      postMultipart(url, [
        { field: 'file', bytes: await tench(), filename: `"x\u202egpj.exe${'a'.repeat(2000)}` },
      ]),
    status: 200,
  },
  {
    name: 'Content-Encoding: gzip',
    send: async ({ url }) =>
      postRaw(url, gzipSync(await tench()), 'image/jpeg', {
        headers: { 'content-encoding': 'gzip' },
      }),
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'Content-Type text/plain',
    send: async ({ url }) => postRaw(url, await tench(), 'text/plain'),
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'Content-Type application/json',
    send: ({ url }) => postRaw(url, Buffer.from('{"file":"x"}'), 'application/json'),
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'JPEG sent as image/png (format is sniffed)',
    send: async ({ url }) => postRaw(url, await tench(), 'image/png'),
    status: 200,
  },
  {
    name: 'JPEG as application/octet-stream',
    send: async ({ url }) => postRaw(url, await tench(), 'application/octet-stream'),
    status: 200,
  },
  {
    name: 'GET /run_inference',
    send: ({ url }) => request(url, '/run_inference'),
    status: [404, 405],
    code: 'NOT_FOUND',
  },
  {
    name: 'POST to an unknown route',
    send: async ({ url }) => request(url, '/admin/run', { method: 'POST', body: await tench() }),
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'GET /jobs/..%2f..%2fetc%2fpasswd',
    send: ({ url }) =>
      raw(url, { head: requestHead('GET', '/jobs/..%2f..%2fetc%2fpasswd', url, []) }),
    status: 404,
    code: 'NOT_FOUND',
  },
  ...(['0', '21', '-1', '2.5', 'abc', '1e1'] as const).map((k): HostileCase => ({
    name: `top_k=${k}`,
    send: async ({ url }) => postRaw(url, await tench(), 'image/jpeg', { query: `?top_k=${k}` }),
    status: 400,
    code: 'INVALID_REQUEST',
  })),
  {
    name: 'top_k=3&top_k=4',
    send: async ({ url }) =>
      postRaw(url, await tench(), 'image/jpeg', { query: '?top_k=3&top_k=4' }),
    status: 400,
    code: 'INVALID_REQUEST',
  },
  {
    name: 'top_k=20 (the maximum)',
    send: async ({ url }) => postRaw(url, await tench(), 'image/jpeg', { query: '?top_k=20' }),
    status: 200,
    verify: (result) => {
      if (result.top_k.length !== 20) throw new Error(`top_k has ${result.top_k.length} entries`);
    },
  },
  {
    name: 'mode=bogus',
    send: async ({ url }) => postRaw(url, await tench(), 'image/jpeg', { query: '?mode=bogus' }),
    status: 400,
    code: 'INVALID_REQUEST',
  },
];
