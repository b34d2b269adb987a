import {
  CLASSIFY_QUEUE,
  encodeJobFailure,
  type ClassifyJobData,
  type ClassifyResult,
  type ErrorCode,
} from '@imgcls/contracts';
import { announceStandInWorker, TEST_REDIS_URL } from '@imgcls/testing';
import { UnrecoverableError, Worker, type Job } from 'bullmq';

/** What the test worker does with a job: answer with a result, or fail with a code. */
export type TestOutcome = { result: ClassifyResult } | { fail: ErrorCode; message: string };

/**
 * A BullMQ worker on the api's queue that answers each job as the test says, without a model,
 * and a heartbeat so the api admits synchronous requests. The real worker is tested on its own.
 */
export async function startTestWorker(
  prefix: string,
  outcome: (job: Job<ClassifyJobData, ClassifyResult>) => Promise<TestOutcome> | TestOutcome,
): Promise<Worker<ClassifyJobData, ClassifyResult>> {
  await announceStandInWorker(prefix);
  const worker = new Worker<ClassifyJobData, ClassifyResult>(
    CLASSIFY_QUEUE,
    async (job) => {
      const answer = await outcome(job);
      if ('result' in answer) return answer.result;
      throw new UnrecoverableError(encodeJobFailure(answer.fail, answer.message));
    },
    { connection: { url: TEST_REDIS_URL }, prefix },
  );
  await worker.waitUntilReady();
  return worker;
}

/** A well-formed result naming `topK` classes (values made up; the api only relays them). */
export function madeUpResult(topK = 1): ClassifyResult {
  const top = Array.from({ length: topK }, (_, index) => ({
    class_id: `n0${String(1440764 + index).padStart(7, '0')}`,
    class_name: `class ${index}`,
    class_index: index,
    probability: 1 / (index + 2),
  }));
  const [first] = top;
  if (first === undefined) throw new Error('topK must be at least 1');
  return {
    ...first,
    top_k: top,
    model: { name: 'test-worker', test_model: true },
    timings: { queue_wait_ms: 1, preprocess_ms: 1, inference_ms: 1 },
  };
}
