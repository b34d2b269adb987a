import { deleteKeysWithPrefix } from '@imgcls/testing';
import { once } from 'node:events';
import type { ApiConfig } from '../config';
import { testApiConfig } from './test-config';
import { ClassifyQueue } from '../queue/classify-queue';
import { JobEvents } from '../queue/job-events';
import { JobWaiter } from '../queue/job-waiter';
import { QueueConnection } from '../queue/queue-connection';
import { WorkerRegistry } from '../queue/worker-registry';

/** The api's queue providers wired as AppModule wires them, without HTTP, on real Redis. */
export interface QueueStack {
  readonly config: ApiConfig;
  readonly connection: QueueConnection;
  readonly events: JobEvents;
  readonly queue: ClassifyQueue;
  readonly waiter: JobWaiter;
  readonly registry: WorkerRegistry;
  /** Shuts the providers down as the app does, then deletes every key under the prefix. */
  close(): Promise<void>;
}

/** Opens the providers under a fresh QUEUE_PREFIX (or `env`'s), once Redis answers. */
export async function openQueueStack(env: Record<string, string> = {}): Promise<QueueStack> {
  const config = testApiConfig('queue', env);
  const connection = new QueueConnection(config);
  const events = new JobEvents(config, connection);
  const queue = new ClassifyQueue(config, connection, events);
  const stack: QueueStack = {
    config,
    connection,
    events,
    queue,
    waiter: new JobWaiter(queue, events),
    registry: new WorkerRegistry(config, connection),
    close: async () => {
      await connection.onApplicationShutdown();
      await deleteKeysWithPrefix(config.queuePrefix);
    },
  };
  if (connection.redis.status !== 'ready') await once(connection.redis, 'ready');
  await events.ready();
  return stack;
}
