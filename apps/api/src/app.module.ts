import {
  Module,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { API_CONFIG, type ApiConfig } from './config';
import { HealthController } from './health/health.controller';
import { InferenceController } from './inference/inference.controller';
import { InferenceService } from './inference/inference.service';
import { UploadReader } from './inference/upload-reader';
import { JobsController } from './jobs/jobs.controller';
import { JobsService } from './jobs/jobs.service';
import { DrainMiddleware, ShutdownDrain } from './lifecycle/shutdown-drain';
import { ClassifyQueue } from './queue/classify-queue';
import { WebController } from './web/web.controller';

@Module({})
export class AppModule implements NestModule {
  static forConfig(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      controllers: [InferenceController, JobsController, HealthController, WebController],
      providers: [
        { provide: API_CONFIG, useValue: config },
        ClassifyQueue,
        InferenceService,
        JobsService,
        ShutdownDrain,
        UploadReader,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(DrainMiddleware).forRoutes('*');
  }
}
