import { Controller, Get } from '@nestjs/common';
import type { ModelDescription } from '@imgcls/contracts';
import { ClassifyQueue } from '../queue/classify-queue';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiErrors, ApiKeyProtected } from '../docs/api-docs.decorators';
import { ref } from '../docs/schemas';

export interface ServedModel extends ModelDescription {
  /** Live workers serving it. */
  workers: number;
}

/** The models the live workers have loaded, as their heartbeats describe them. */
@Controller('models')
export class ModelsController {
  constructor(private readonly queue: ClassifyQueue) {}

  @Get()
  @ApiOperation({ summary: 'The models the live workers have loaded' })
  @ApiOkResponse({ schema: ref('Models') })
  @ApiKeyProtected()
  @ApiErrors(503)
  async list(): Promise<{ models: ServedModel[] }> {
    const served = new Map<string, ServedModel>();
    for (const { model } of await this.queue.workers()) {
      const key = `${model.name}@${model.sha256 ?? ''}`;
      const known = served.get(key);
      served.set(key, known ? { ...known, workers: known.workers + 1 } : { ...model, workers: 1 });
    }
    return { models: [...served.values()] };
  }
}
