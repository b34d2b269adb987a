import { Inject, Injectable } from '@nestjs/common';
import { ServiceError } from '@imgcls/contracts';
import type { Request, Response } from 'express';
import multer, { MulterError } from 'multer';
import { API_CONFIG, type ApiConfig } from '../config';

/** Room for multipart boundaries and part headers around the file itself. */
const MULTIPART_OVERHEAD_BYTES = 16 * 1024;
const RAW_TYPES = /^(image\/[\w.+-]+|application\/octet-stream)$/;

/**
 * Reads the uploaded image out of a request: a multipart field `file` (as the original Flask
 * client sends it) or a raw body with an `image/*` Content-Type. Enforces the size limit while
 * reading, so an oversized body is never buffered whole.
 */
@Injectable()
export class UploadReader {
  private readonly multipart: ReturnType<multer.Multer['single']>;

  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {
    this.multipart = multer({
      storage: multer.memoryStorage(),
      limits: { fileSize: config.maxUploadBytes, files: 1, fields: 8, parts: 10, headerPairs: 50 },
    }).single('file');
  }

  async read(req: Request, res: Response): Promise<Buffer> {
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
      throw new ServiceError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Content-Encoding "${encoding}" is not accepted; send the image bytes as they are`,
      );
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (type === 'multipart/form-data') {
      this.checkDeclaredLength(req, this.config.maxUploadBytes + MULTIPART_OVERHEAD_BYTES);
      return this.readMultipart(req, res);
    }
    if (RAW_TYPES.test(type)) {
      this.checkDeclaredLength(req, this.config.maxUploadBytes);
      return this.readRaw(req);
    }
    throw new ServiceError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Type "${type || '(none)'}" is not accepted; send multipart/form-data with a "file" field, or the image itself as image/*`,
    );
  }

  /** The body's Content-Length, or undefined when it is chunked (or the header is bogus). */
  declaredBytes(req: Request): number | undefined {
    const declared = Number(req.headers['content-length']);
    return req.headers['content-length'] !== undefined && Number.isFinite(declared)
      ? declared
      : undefined;
  }

  /** Refuses an oversized body from its Content-Length alone, before reading any of it. */
  private checkDeclaredLength(req: Request, limit: number): void {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) throw this.tooLarge();
  }

  private tooLarge(): ServiceError {
    return new ServiceError(
      'PAYLOAD_TOO_LARGE',
      `the upload is larger than the limit of ${this.config.maxUploadBytes} bytes`,
    );
  }

  private readMultipart(req: Request, res: Response): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.multipart(req, res, (error: unknown) => {
        if (error !== undefined && error !== null) return reject(this.multipartError(error));
        if (req.file === undefined) {
          return reject(
            new ServiceError('INVALID_REQUEST', 'the multipart body has no "file" field'),
          );
        }
        resolve(req.file.buffer);
      });
    });
  }

  private multipartError(error: unknown): ServiceError {
    if (!(error instanceof MulterError)) {
      return new ServiceError('INVALID_REQUEST', 'the multipart body is malformed');
    }
    switch (error.code) {
      case 'LIMIT_FILE_SIZE':
        return this.tooLarge();
      case 'LIMIT_FILE_COUNT':
      case 'LIMIT_UNEXPECTED_FILE':
        return new ServiceError(
          'INVALID_REQUEST',
          'send exactly one file, in the multipart field "file"',
        );
      case 'LIMIT_PART_COUNT':
      case 'LIMIT_FIELD_COUNT':
      case 'LIMIT_FIELD_KEY':
      case 'LIMIT_FIELD_VALUE':
      case 'MISSING_FIELD_NAME':
        return new ServiceError(
          'INVALID_REQUEST',
          `the multipart body exceeds a limit (${error.code})`,
        );
    }
  }

  /**
   * Collects a raw body. Past the limit it stops listening and pauses the stream rather than
   * destroying it, so the 413 can still be written; the filter then closes the connection.
   */
  private readRaw(req: Request): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let received = 0;
      const stop = () => {
        req.off('data', onData).off('end', onEnd).off('error', onError);
      };
      const onData = (chunk: Buffer) => {
        received += chunk.length;
        if (received <= this.config.maxUploadBytes) return void chunks.push(chunk);
        stop();
        req.pause();
        reject(this.tooLarge());
      };
      const onEnd = () => {
        stop();
        resolve(Buffer.concat(chunks, received));
      };
      const onError = () => {
        stop();
        reject(new ServiceError('INVALID_REQUEST', 'the request body was cut off'));
      };
      req.on('data', onData).on('end', onEnd).on('error', onError);
    });
  }
}
