import { Controller, Get } from '@nestjs/common';
import { componentRef, type ModelsList } from '@imgcls/contracts';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiErrors, ApiKeyProtected } from '../docs/api-docs.decorators';
import { ModelsService } from './models.service';

@Controller('models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  /** The models the live workers have loaded, as their heartbeats describe them. */
  @Get()
  @ApiOperation({ summary: 'The models the live workers have loaded' })
  @ApiOkResponse({ schema: componentRef('Models') })
  @ApiKeyProtected()
  @ApiErrors(503)
  list(): Promise<ModelsList> {
    return this.models.list();
  }
}
