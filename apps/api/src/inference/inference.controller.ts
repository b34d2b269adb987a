import { Controller, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import {
  ClassifyQuerySchema,
  componentRef,
  type ClassifyQuery,
  type ClassifyResponse,
  type JobAccepted,
} from '@imgcls/contracts';
import type { Request, Response } from 'express';
import type { RequestLocals } from '../observability/request-log.middleware';
import { AdmissionService } from '../admission/admission.service';
import { InferenceService } from './inference.service';
import { UploadReader } from './upload-reader';
import { WorkerPresence } from './worker-presence';
import { ApiErrors, ApiKeyProtected } from '../docs/api-docs.decorators';
import { SchemaPipe } from '../http/schema.pipe';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiOperation } from '@nestjs/swagger';

@Controller()
export class InferenceController {
  constructor(
    private readonly admission: AdmissionService,
    private readonly uploads: UploadReader,
    private readonly inference: InferenceService,
    private readonly presence: WorkerPresence,
  ) {}

  /**
   * Classifies one image: multipart field `file`, or a raw `image/*` body. Waits for the
   * result (200) unless the client asks to poll (`Prefer: respond-async` or `?mode=async`);
   * a job that outlives `SYNC_TIMEOUT_MS` is also handed back as 202 with its `Location`.
   */
  @Post('run_inference')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Classify one image',
    description:
      'Multipart field `file`, or the image itself as the body. Waits for the result (200) ' +
      'unless `Prefer: respond-async` or `?mode=async` asks for 202 and polling; a job that ' +
      'outlives SYNC_TIMEOUT_MS is also answered 202 with its Location.',
  })
  @ApiHeader({ name: 'Prefer', required: false, description: '`respond-async` (RFC 7240)' })
  @ApiHeader({ name: 'X-Request-Id', required: false, description: 'echoed back and logged' })
  @ApiOkResponse({ description: "The image's classes", schema: componentRef('ClassifyResponse') })
  @ApiAcceptedResponse({
    description: 'Queued; poll the Location',
    schema: componentRef('JobAccepted'),
    headers: { Location: { schema: { type: 'string' } } },
  })
  @ApiKeyProtected()
  @ApiErrors(400, 408, 413, 415, 422, 431, 503, 504)
  async runInference(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    // Checked by the pipe before this body runs, so a bad parameter never waits for the upload.
    @Query(new SchemaPipe(ClassifyQuerySchema)) query: ClassifyQuery,
  ): Promise<ClassifyResponse | JobAccepted> {
    const { mode, top_k: topK } = query;
    // Read from the request, not with @Headers('prefer'): that decorator adds a second,
    // required `prefer` parameter to the OpenAPI document, and Swagger UI then refuses to send.
    const wantsAsync = prefersAsync(mode, req.get('prefer'));
    const ticket = await this.admission.reserve(this.uploads.declaredBytes(req));
    const outcome = await this.uploads
      .read(req, res)
      .then(async (image) => {
        // After the body, not before: a refusal sent mid-upload (with Connection: close)
        // reaches most clients as a broken pipe, not as this message. The upload is bounded.
        if (!wantsAsync) await this.presence.requireWorker();
        return this.inference.classify(image, {
          topK,
          requestId: (res.locals as RequestLocals).requestId,
          wait: !wantsAsync,
          ticket,
        });
      })
      .finally(() => ticket.settle());
    (res.locals as RequestLocals).jobId =
      outcome.kind === 'done' ? outcome.response.job_id : outcome.accepted.job_id;
    if (outcome.kind === 'done') return outcome.response;
    res.status(202).location(outcome.accepted.status_url);
    if (wantsAsync && mode === undefined) res.setHeader('Preference-Applied', 'respond-async');
    return outcome.accepted;
  }
}

/** `?mode=` wins over the RFC 7240 `Prefer` header. */
function prefersAsync(mode: ClassifyQuery['mode'], prefer: string | undefined): boolean {
  if (mode !== undefined) return mode === 'async';
  return (prefer ?? '')
    .split(/[,;]/)
    .some((token) => token.trim().toLowerCase() === 'respond-async');
}
