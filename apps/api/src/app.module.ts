import {
  Module,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import { AdmissionService } from './admission/admission.service';
import { API_CONFIG, type ApiConfig } from './config';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { HeaderLimitMiddleware } from './http/header-limit.middleware';
import { InferenceController } from './inference/inference.controller';
import { InferenceService } from './inference/inference.service';
import { UploadReader } from './inference/upload-reader';
import { WorkerPresence } from './inference/worker-presence';
import { JobsController } from './jobs/jobs.controller';
import { JobsService } from './jobs/jobs.service';
import { DrainMiddleware, ShutdownDrain } from './lifecycle/shutdown-drain';
import { ModelsController } from './models/models.controller';
import { ModelsService } from './models/models.service';
import { ApiMetrics } from './observability/api-metrics';
import { API_LOGGER } from './observability/logger';
import { MetricsController } from './observability/metrics.controller';
import { RequestLogMiddleware } from './observability/request-log.middleware';
import { ClassifyQueue } from './queue/classify-queue';
import { JobEvents } from './queue/job-events';
import { JobWaiter } from './queue/job-waiter';
import { QueueConnection } from './queue/queue-connection';
import { WorkerRegistry } from './queue/worker-registry';
import { ApiKeyGuard } from './security/api-key.guard';
import { WebController } from './web/web.controller';

@Module({})
export class AppModule implements NestModule {
  static forConfig(config: ApiConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      controllers: [
        InferenceController,
        JobsController,
        ModelsController,
        HealthController,
        WebController,
        MetricsController,
      ],
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: API_LOGGER, useValue: logger },
        ApiMetrics,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        QueueConnection,
        JobEvents,
        ClassifyQueue,
        JobWaiter,
        WorkerRegistry,
        AdmissionService,
        InferenceService,
        JobsService,
        HealthService,
        ModelsService,
        ShutdownDrain,
        UploadReader,
        WorkerPresence,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestLogMiddleware, HeaderLimitMiddleware, DrainMiddleware).forRoutes('*');
  }
}
