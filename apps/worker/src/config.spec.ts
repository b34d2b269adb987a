import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { envExample, readmeVariables } from '@imgcls/testing';
import { loadWorkerConfig, WORKER_VARIABLES } from './config';

describe('loadWorkerConfig', () => {
  it('defaults to the real DenseNet-121 and one thread per core', () => {
    const config = loadWorkerConfig({});
    expect(config.model).toBe('densenet121');
    expect(config.modelsDir).toBe(resolve('models'));
    expect(config.intraOpThreads).toBe(availableParallelism());
    expect(config.lockDurationMs).toBeGreaterThan(config.stalledIntervalMs);
  });

  it('refuses a bad variable with its fix', () => {
    expect(() => loadWorkerConfig({ WORKER_CONCURRENCY: '0' })).toThrow(
      'WORKER_CONCURRENCY="0" must be a whole number ≥ 1',
    );
  });
});

describe('the documented configuration', () => {
  it('.env.example holds exactly the defaults', () => {
    expect(loadWorkerConfig(envExample())).toEqual(loadWorkerConfig({}));
    for (const name of WORKER_VARIABLES) {
      const documented = name === 'INTRA_OP_THREADS' || name in envExample(); // its default is per machine
      expect([name, documented, readmeVariables().has(name)]).toEqual([name, true, true]);
    }
  });
});
