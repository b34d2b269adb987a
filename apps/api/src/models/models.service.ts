import { Injectable } from '@nestjs/common';
import { modelKey, type ModelsList, type ServedModel } from '@imgcls/contracts';
import { WorkerRegistry } from '../queue/worker-registry';

/** The models the live workers have loaded, as their heartbeats describe them. */
@Injectable()
export class ModelsService {
  constructor(private readonly registry: WorkerRegistry) {}

  /** One entry per model (name and SHA-256), with how many live workers serve it. */
  async list(): Promise<ModelsList> {
    const served = new Map<string, ServedModel>();
    for (const { model } of await this.registry.workers()) {
      const key = modelKey(model);
      const known = served.get(key);
      served.set(key, known ? { ...known, workers: known.workers + 1 } : { ...model, workers: 1 });
    }
    return { models: [...served.values()] };
  }
}
