import { Controller, Get } from '@nestjs/common';
import { componentRef, type ModelsList, type ServedModel } from '@imgcls/contracts';
import { ClassifyQueue } from '../queue/classify-queue';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiErrors, ApiKeyProtected } from '../docs/api-docs.decorators';

/** The models the live workers have loaded, as their heartbeats describe them. */
@Controller('models')
export class ModelsController {
  constructor(private readonly queue: ClassifyQueue) {}

  @Get()
  @ApiOperation({ summary: 'The models the live workers have loaded' })
  @ApiOkResponse({ schema: componentRef('Models') })
  @ApiKeyProtected()
  @ApiErrors(503)
  async list(): Promise<ModelsList> {
    const served = new Map<string, ServedModel>();
    for (const { model } of await this.queue.workers()) {
      const key = `${model.name}@${model.sha256 ?? ''}`;
      const known = served.get(key);
      served.set(key, known ? { ...known, workers: known.workers + 1 } : { ...model, workers: 1 });
    }
    return { models: [...served.values()] };
  }
}
