import { Inject, Injectable } from '@nestjs/common';
import { imageKey } from '@imgcls/contracts';
import { API_CONFIG, type ApiConfig } from '../config';
import { QueueConnection } from './queue-connection';

/**
 * Where an upload's bytes wait for their worker: a binary-safe key of their own, with a TTL,
 * rather than base64 inside the job's JSON. The worker deletes the key when the job ends.
 */
@Injectable()
export class ImageStore {
  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly connection: QueueConnection,
  ) {}

  /** Stores the bytes of job `jobId`'s image; resolves with the key the job names. */
  async put(jobId: string, image: Buffer): Promise<string> {
    const key = imageKey(this.config.queuePrefix, jobId);
    await this.connection.redis.set(key, image, 'EX', this.config.imageTtlS);
    return key;
  }
}
