import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ClassifyQueue } from '../queue/classify-queue';

/** The api's Prometheus metrics, in the conventions' units (`_seconds`, `_total`). */
@Injectable()
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'imgcls_api_requests_total',
    help: 'HTTP requests by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'imgcls_api_request_duration_seconds',
    help: 'End-to-end latency of HTTP requests, from arrival to the last byte sent',
    labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly rejections = new Counter({
    name: 'imgcls_api_rejections_total',
    help: 'Requests refused, by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  constructor(queue: ClassifyQueue) {
    collectDefaultMetrics({ register: this.registry, prefix: 'imgcls_api_' });
    new Gauge({
      name: 'imgcls_api_queue_depth',
      help: 'Jobs waiting for a worker, read from Redis at scrape time',
      registers: [this.registry],
      async collect() {
        this.set(await queue.depth().catch(() => NaN));
      },
    });
  }

  /** A request refused before it reached a route (Node's own parser or timeouts). */
  refused(code: string): void {
    this.rejections.inc({ code });
  }

  observe(
    route: string,
    method: string,
    status: number,
    seconds: number,
    errorCode?: string,
  ): void {
    this.requests.inc({ route, method, status: String(status) });
    this.latency.observe({ route, method }, seconds);
    if (errorCode !== undefined) this.rejections.inc({ code: errorCode });
  }
}
