import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { envExample, readmeVariables } from '@imgcls/testing';
import { loadWorkerConfig, WORKER_VARIABLES, workerSlots } from './config';

describe('loadWorkerConfig', () => {
  it('defaults to the real DenseNet-121, one single-threaded session per core, batches of two', () => {
    const config = loadWorkerConfig({});
    expect(config.model).toBe('densenet121');
    expect(config.modelsDir).toBe(resolve('models'));
    expect(config.inferenceThreads).toBe(availableParallelism());
    expect(config.intraOpThreads).toBe(1);
    expect(config.loneJobThreads).toBe(availableParallelism());
    expect(loadWorkerConfig({ INFERENCE_THREADS: '1' }).loneJobThreads).toBe(1);
    expect(loadWorkerConfig({ LONE_JOB_THREADS: '0' }).loneJobThreads).toBe(0);
    expect(config.maxBatchSize).toBe(2);
    // The slots follow the batches the model really runs, known once it has loaded.
    expect(config.concurrency).toBeUndefined();
    expect(loadWorkerConfig({ WORKER_CONCURRENCY: '3' }).concurrency).toBe(3);
    // On the event loop's thread the model runs one job at a time, never a batch.
    expect(loadWorkerConfig({ INFERENCE_THREADS: '0', MAX_BATCH_SIZE: '4' }).maxBatchSize).toBe(1);
    expect(config.lockDurationMs).toBeGreaterThan(config.stalledIntervalMs);
    expect(config.inferenceNice).toBe(10);
    expect(loadWorkerConfig({ INFERENCE_NICE: '0' }).inferenceNice).toBe(0);
  });

  it('holds two batches per session by default, and runs one on each', () => {
    // 2 sessions in batches of 2; a graph fixed at batch 1 on 2 sessions; the event loop's one.
    expect(workerSlots({ concurrency: undefined }, 4)).toEqual({
      concurrency: 8,
      runningAtOnce: 4,
    });
    expect(workerSlots({ concurrency: undefined }, 2)).toEqual({
      concurrency: 4,
      runningAtOnce: 2,
    });
    expect(workerSlots({ concurrency: undefined }, 1)).toEqual({
      concurrency: 2,
      runningAtOnce: 1,
    });
    // WORKER_CONCURRENCY wins; fewer slots than sessions: only that many jobs run at once.
    expect(workerSlots({ concurrency: 3 }, 4)).toEqual({ concurrency: 3, runningAtOnce: 3 });
    expect(workerSlots({ concurrency: 16 }, 4)).toEqual({ concurrency: 16, runningAtOnce: 4 });
  });

  it('refuses a bad variable with its fix', () => {
    expect(() => loadWorkerConfig({ WORKER_CONCURRENCY: '0' })).toThrow(
      'WORKER_CONCURRENCY="0" must be a whole number ≥ 1',
    );
    expect(() => loadWorkerConfig({ MAX_BATCH_SIZE: '0' })).toThrow(
      'MAX_BATCH_SIZE="0" must be a whole number ≥ 1',
    );
    expect(() => loadWorkerConfig({ INFERENCE_NICE: '20' })).toThrow(
      'INFERENCE_NICE="20" must be a whole number from 0 to 19',
    );
  });
});

describe('the documented configuration', () => {
  it('.env.example holds exactly the defaults', () => {
    expect(loadWorkerConfig(envExample())).toEqual(loadWorkerConfig({}));
    for (const name of WORKER_VARIABLES) {
      // Their defaults depend on the machine's cores, so .env.example names them in comments.
      const perMachine = ['INFERENCE_THREADS', 'WORKER_CONCURRENCY', 'LONE_JOB_THREADS'].includes(
        name,
      );
      const documented = perMachine || name in envExample();
      expect([name, documented, readmeVariables().has(name)]).toEqual([name, true, true]);
    }
  });
});
