import { Module, type DynamicModule } from '@nestjs/common';
import { API_CONFIG, type ApiConfig } from './config';
import { HealthController } from './health/health.controller';
import { InferenceController } from './inference/inference.controller';
import { InferenceService } from './inference/inference.service';
import { UploadReader } from './inference/upload-reader';
import { ClassifyQueue } from './queue/classify-queue';
import { WebController } from './web/web.controller';

@Module({})
export class AppModule {
  static forConfig(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      controllers: [InferenceController, HealthController, WebController],
      providers: [
        { provide: API_CONFIG, useValue: config },
        ClassifyQueue,
        InferenceService,
        UploadReader,
      ],
    };
  }
}
