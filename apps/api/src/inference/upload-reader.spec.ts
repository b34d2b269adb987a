import { isErrorBody } from '@imgcls/contracts';
import { request } from 'node:http';
import { photoBytes, useTestApi } from '../testing/test-api';

const LIMIT_BYTES = 256 * 1024;

/** How the upload reader maps each way an upload can be wrong to a status and a code. */
describe('UploadReader, through the real app', () => {
  // One upload at a time: a place not given back would refuse the next upload.
  const api = useTestApi({ MAX_UPLOAD_BYTES: String(LIMIT_BYTES), MAX_INFLIGHT_UPLOADS: '1' });

  /** Sends `body` (async mode: no worker needed) and reads status, code and message. */
  async function send(headers: Record<string, string>, body: Buffer | FormData | ReadableStream) {
    const response = await fetch(`${api().url}/run_inference?mode=async`, {
      method: 'POST',
      headers,
      body,
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    });
    const json: unknown = await response.json();
    const error = isErrorBody(json) ? json.error : undefined;
    return { status: response.status, code: error?.code, message: error?.message };
  }

  const small = (): Buffer => Buffer.from(photoBytes().subarray(0, 1)); // any bytes will do
  const form = (...files: [string, Buffer][]): FormData => {
    const data = new FormData();
    for (const [field, bytes] of files) data.append(field, new Blob([bytes]), 'photo.jpg');
    return data;
  };

  it('takes the image from a raw image/* body or from the multipart field "file"', async () => {
    const photo = photoBytes();
    const raw = await send({ 'content-type': 'image/jpeg' }, photo);
    const multipart = await send({}, form(['file', photo]));
    expect([raw.status, multipart.status]).toEqual([202, 202]);
  });

  it('refuses an encoded body and a type it does not read with 415, naming them', async () => {
    expect(
      await send({ 'content-type': 'image/jpeg', 'content-encoding': 'gzip' }, small()),
    ).toEqual({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'Content-Encoding "gzip" is not accepted; send the image bytes as they are',
    });
    const text = await send({ 'content-type': 'text/plain' }, small());
    expect([text.status, text.message]).toEqual([
      415,
      'Content-Type "text/plain" is not accepted; send multipart/form-data with a "file" field, or the image itself as image/*',
    ]);
  });

  it('refuses a body over MAX_UPLOAD_BYTES with 413, declared or not', async () => {
    const tooLarge = {
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      message: `the upload is larger than the limit of ${LIMIT_BYTES} bytes`,
    };
    const big = Buffer.alloc(LIMIT_BYTES + 1, 1);
    expect(await send({ 'content-type': 'image/jpeg' }, big)).toEqual(tooLarge);
    // Chunked: no Content-Length, so the reader counts as the bytes arrive.
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let sent = 0; sent <= LIMIT_BYTES; sent += 8192)
          controller.enqueue(new Uint8Array(8192));
        controller.close();
      },
    });
    expect(await send({ 'content-type': 'image/jpeg' }, chunked)).toEqual(tooLarge);
    expect(await send({}, form(['file', big]))).toEqual(tooLarge);
  });

  it('refuses a multipart body without exactly one "file", or malformed, with 400', async () => {
    const cases: [string, Record<string, string>, Buffer | FormData, string][] = [
      ['no file', {}, form(), 'the multipart body has no "file" field'],
      [
        'two files',
        {},
        form(['file', small()], ['file', small()]),
        'send exactly one file, in the multipart field "file"',
      ],
      [
        'another field',
        {},
        form(['photo', small()]),
        'send exactly one file, in the multipart field "file"',
      ],
      [
        'malformed',
        { 'content-type': 'multipart/form-data; boundary=x' },
        Buffer.from('--x\r\nnot a part header\r\n\r\n'),
        'the multipart body is malformed',
      ],
    ];
    for (const [label, headers, body, message] of cases) {
      const answer = await send(headers, body);
      expect([label, answer.status, answer.code, answer.message]).toEqual([
        label,
        400,
        'INVALID_REQUEST',
        message,
      ]);
    }
  });

  it('refuses a multipart body over its part limits with 400, naming the limit', async () => {
    const data = form(['file', small()]);
    for (let i = 0; i < 9; i++) data.append(`field${i}`, 'x');
    const answer = await send({}, data);
    expect([answer.status, answer.message]).toEqual([
      400,
      'the multipart body exceeds a limit (LIMIT_FIELD_COUNT)',
    ]);
  });

  it('gives back the place of an upload cut off mid-body', async () => {
    // The client promises 1000 bytes, sends 10 and hangs up: the reader sees the body end
    // early, and the request ends without a job.
    await new Promise<void>((resolve) => {
      const url = new URL(`${api().url}/run_inference?mode=async`);
      const req = request(url, {
        method: 'POST',
        headers: { 'content-type': 'image/jpeg', 'content-length': '1000' },
      });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(10), () => setTimeout(() => req.destroy(), 50));
    });
    // Its place comes back once the server sees the hang-up (Jest's timeout bounds the wait).
    let status = 0;
    while (status !== 202) {
      status = (await send({ 'content-type': 'image/jpeg' }, photoBytes())).status;
      expect([503, 202]).toContain(status);
      if (status !== 202) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
});
