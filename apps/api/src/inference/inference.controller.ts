import { Controller, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import type { ClassifyResponse } from '@imgcls/contracts';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { InferenceService } from './inference.service';
import { UploadReader } from './upload-reader';

@Controller()
export class InferenceController {
  constructor(
    private readonly uploads: UploadReader,
    private readonly inference: InferenceService,
  ) {}

  /** Classifies one image: multipart field `file`, or a raw `image/*` body. */
  @Post('run_inference')
  @HttpCode(200)
  async runInference(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Query('top_k') topK?: string,
  ): Promise<ClassifyResponse> {
    const image = await this.uploads.read(req, res);
    return this.inference.classify(image, { topK, requestId: requestIdOf(req) });
  }
}

/** A caller's X-Request-Id (if it is sane) ties its logs to ours; otherwise we make one. */
function requestIdOf(req: Request): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
}
