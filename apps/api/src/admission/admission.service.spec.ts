import {
  CLASSIFY_QUEUE,
  imageKey,
  modelKey,
  RECORD_HEARTBEAT_SCRIPT,
  ServiceError,
  workerRegistryKeys,
  type WorkerHeartbeat,
} from '@imgcls/contracts';
import { TEST_REDIS_URL } from '@imgcls/testing';
import IORedis from 'ioredis';
import { openQueueStack, type QueueStack } from '../testing/queue-stack';
import { AdmissionService, type AdmissionTicket } from './admission.service';

const KiB = 1024;

/** The admission ledger on the real Redis, each test under its own prefix. */
describe('AdmissionService', () => {
  const opened: { stack: QueueStack; admission: AdmissionService }[] = [];

  async function start(
    env: Record<string, string>,
    workers: Pick<WorkerHeartbeat, 'concurrency' | 'sessions' | 'recent_job_ms'>[] = [],
    running: string[] = [],
  ): Promise<AdmissionService> {
    const stack = await openQueueStack(env);
    await announce(stack.config.queuePrefix, workers, running);
    const admission = new AdmissionService(stack.config, stack.queue, stack.registry);
    opened.push({ stack, admission });
    await admission.onModuleInit();
    return admission;
  }

  afterAll(async () => {
    for (const { stack, admission } of opened) {
      await admission.onApplicationShutdown();
      await stack.close();
    }
  });

  /** Reserves for each size at once; the tickets granted and the refusals' codes and messages. */
  async function reserveAll(admission: AdmissionService, sizes: (number | undefined)[]) {
    const settled = await Promise.allSettled(sizes.map((size) => admission.reserve(size)));
    const tickets = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const errors = settled.flatMap((s) =>
      s.status === 'rejected' ? [s.reason as ServiceError] : [],
    );
    const messages = errors.map((e) => e.message);
    const retryAfterS = errors.map((e) => e.retryAfterS);
    return { tickets, refusals: errors.map((e) => e.code), messages, retryAfterS };
  }

  /** How many of `count` one-byte uploads reserving at once are admitted. */
  const admittedOf = async (admission: AdmissionService, count: number) =>
    (
      await reserveAll(
        admission,
        Array.from({ length: count }, () => 1),
      )
    ).tickets.length;

  it('refuses a job whose estimated wait is over MAX_QUEUE_WAIT_MS, naming wait, limit and fix', async () => {
    // One slot at 1 job/s, nothing running: the job behind d others waits d s; estimates may
    // fill 85% of 4 s, 3.4 s, which admits 4.
    const admission = await start({ MAX_QUEUE_WAIT_MS: '4000' }, [
      { concurrency: 1, recent_job_ms: 1000 },
    ]);
    const { tickets, messages, retryAfterS } = await reserveAll(
      admission,
      Array.from({ length: 6 }, () => 1),
    );
    expect(tickets).toHaveLength(4);
    expect(retryAfterS).toEqual([1, 1]); // 4 s expected: 0.6 s over the 3.4 s
    expect(messages).toEqual(
      Array.from(
        { length: 2 },
        () =>
          'a new job would wait about 4000 ms for a worker (4 waiting or arriving, 0 in the ' +
          "workers' slots, run by 1 session, 1.0 jobs/s lately); the limit is " +
          'MAX_QUEUE_WAIT_MS=4000, of which an estimate may fill 85% (3400 ms), as the rate ' +
          'varies. Add workers, or raise MAX_QUEUE_WAIT_MS if a longer wait is acceptable; ' +
          'retry shortly',
      ),
    );
  });

  it('leaves 15% of the budget for the rate to vary: an estimate at the budget is refused', async () => {
    // 1 job/s and a 3.4 s budget: the fourth job would wait 3 s, within the budget and within
    // 90% of it (3.06 s), but over 85% (2.89 s).
    const workers = [{ concurrency: 1, recent_job_ms: 1000 }];
    expect(await admittedOf(await start({ MAX_QUEUE_WAIT_MS: '3400' }, workers), 6)).toBe(3);
  });

  it('counts the jobs in slots against the sessions: a free session starts a job at once', async () => {
    // Two sessions at 2 jobs/s, 1.02 s of a 1.2 s budget: at most 2 completions before a start.
    const workers = [{ concurrency: 2, sessions: 2, recent_job_ms: 1000 }];
    // Nothing running: the first two take the free sessions, two more wait 0.5 s and 1 s.
    expect(await admittedOf(await start({ MAX_QUEUE_WAIT_MS: '1200' }, workers), 6)).toBe(4);
    const busy = await start({ MAX_QUEUE_WAIT_MS: '1200' }, workers, ['j1', 'j2']);
    expect(await admittedOf(busy, 6)).toBe(2);
  });

  it('counts the jobs a worker holds beyond its sessions as waiting for them', async () => {
    // Four slots, one session, 2 jobs/s (2 s a slot), a 1.2 s budget: 2 completions allowed.
    const workers = [{ concurrency: 4, sessions: 1, recent_job_ms: 2000 }];
    // Two in slots, one of them running: a new job waits for both to end (1 s), the next one
    // for three. Counted against the four slots, four would be admitted.
    const held = await start({ MAX_QUEUE_WAIT_MS: '1200' }, workers, ['j1', 'j2']);
    expect(await admittedOf(held, 6)).toBe(1);
  });

  it('tells a refused client to come back once the backlog fits the budget again', async () => {
    // 12 running on 2 sessions at 2 jobs/s: 11 must end first, 5.5 s, 4.65 s over the 0.85 s
    // that estimates may fill of a 1 s budget.
    const workers = [{ concurrency: 2, sessions: 2, recent_job_ms: 1000 }];
    const running = Array.from({ length: 12 }, (_, i) => `j${i}`);
    const admission = await start({ MAX_QUEUE_WAIT_MS: '1000' }, workers, running);
    expect((await reserveAll(admission, [1])).retryAfterS).toEqual([5]);
  });

  it('sets no wait limit with no recent rate, or MAX_QUEUE_WAIT_MS=0', async () => {
    const idle = [{ concurrency: 1, recent_job_ms: null }];
    expect(await admittedOf(await start({ MAX_QUEUE_WAIT_MS: '3000' }, idle), 6)).toBe(6);
    const busy = [{ concurrency: 1, recent_job_ms: 1000 }];
    expect(await admittedOf(await start({ MAX_QUEUE_WAIT_MS: '0' }, busy), 6)).toBe(6);
  });

  it('admits exactly MAX_QUEUE_DEPTH of six concurrent uploads, and again once one settles', async () => {
    const admission = await start({ MAX_QUEUE_DEPTH: '2' });
    const { tickets, refusals } = await reserveAll(
      admission,
      Array.from({ length: 6 }, () => 1000),
    );
    expect([tickets.length, refusals]).toEqual([2, Array.from({ length: 4 }, () => 'QUEUE_FULL')]);
    await tickets[0]?.settle();
    await tickets[0]?.settle(); // idempotent: gives back one place, not two
    expect((await reserveAll(admission, [1000, 1000])).tickets).toHaveLength(1);
  });

  it('holds queued bytes under MAX_QUEUED_BYTES; a chunked upload reserves MAX_UPLOAD_BYTES', async () => {
    const admission = await start({
      MAX_QUEUED_BYTES: String(100 * KiB),
      MAX_UPLOAD_BYTES: String(60 * KiB),
    });
    const first = await reserveAll(
      admission,
      Array.from({ length: 6 }, () => 40 * KiB),
    );
    expect(first.tickets).toHaveLength(2);
    await Promise.all(first.tickets.map((t) => t.settle()));
    const chunked = await reserveAll(admission, [undefined, undefined]);
    expect(chunked.tickets).toHaveLength(1); // 60 KiB each: the second would pass 100 KiB
    // Handed over with its real size (10 KiB), the upload leaves room for another 60 KiB.
    const [ticket] = chunked.tickets as [AdmissionTicket];
    await ticket.handOver(Buffer.alloc(10 * KiB));
    expect((await reserveAll(admission, [undefined])).tickets).toHaveLength(1);
  });

  it("stores an upload's bytes with its hand-over, binary-safe with the TTL; withdraw gives the place back", async () => {
    const limits = { MAX_QUEUED_BYTES: String(12 * KiB), MAX_UPLOAD_BYTES: String(8 * KiB) };
    const admission = await start({ ...limits, IMAGE_TTL_S: '60' });
    const [ticket] = (await reserveAll(admission, [8 * KiB])).tickets as [AdmissionTicket];
    const bytes = Buffer.alloc(8 * KiB, 0xd8);
    bytes[0] = 0x00; // binary-safe: no string round trip
    const key = await ticket.handOver(bytes);
    const stack = opened.at(-1)?.stack as QueueStack;
    expect(key).toBe(imageKey(stack.config.queuePrefix, ticket.id)); // the job names this key
    const redis = new IORedis(TEST_REDIS_URL);
    try {
      expect(await redis.getBuffer(key)).toEqual(bytes);
      expect(await redis.ttl(key)).toBeGreaterThan(50);
    } finally {
      redis.disconnect();
    }
    await ticket.settle(); // handed over: its bytes stay counted
    await expect(admission.reserve(8 * KiB)).rejects.toThrow('bytes of uploads');
    await ticket.withdraw(); // the job could not be added after all
    await expect(admission.reserve(8 * KiB)).resolves.toBeDefined();
  });

  it('bounds the uploads one process reads at once', async () => {
    const admission = await start({ MAX_INFLIGHT_UPLOADS: '3' });
    const { tickets } = await reserveAll(
      admission,
      Array.from({ length: 3 }, () => 1),
    );
    await expect(admission.reserve(1)).rejects.toThrow('3 uploads are already arriving');
    await tickets[0]?.handOver(Buffer.from('x'));
    await expect(admission.reserve(1)).resolves.toBeDefined();
  });

  it('lets the place of an upload whose api died expire by itself', async () => {
    const admission = await start({
      MAX_QUEUE_DEPTH: '1',
      REQUEST_TIMEOUT_MS: '100',
      SYNC_TIMEOUT_MS: '100',
    });
    await admission.reserve(1); // never settled, as if the process had died
    await expect(admission.reserve(1)).rejects.toThrow('the queue is full');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(admission.reserve(1)).resolves.toBeDefined();
  });
});

/**
 * Writes heartbeats as live workers with these loads would (worker ids w0, w1, …), and puts
 * the `running` job ids in BullMQ's active list.
 */
async function announce(
  prefix: string,
  loads: Pick<WorkerHeartbeat, 'concurrency' | 'sessions' | 'recent_job_ms'>[],
  running: string[],
): Promise<void> {
  const { expiries, beats } = workerRegistryKeys(prefix);
  const redis = new IORedis(TEST_REDIS_URL);
  if (running.length > 0) await redis.lpush(`${prefix}:${CLASSIFY_QUEUE}:active`, ...running);
  const model = {
    ...{ name: 'm', description: 'm', test_model: true, classes: 1000, source: null },
    ...{ input: { name: 'input', shape: ['N', 3, 224, 224] }, sha256: 'aa' },
  };
  for (const [i, load] of loads.entries()) {
    const beat: WorkerHeartbeat = {
      ...{ worker_id: `w${i}`, pid: i, hostname: 'h', started_at: new Date().toISOString() },
      ...{ model, ...load },
    };
    await redis.eval(
      RECORD_HEARTBEAT_SCRIPT,
      2,
      expiries,
      beats,
      beat.worker_id,
      60_000,
      JSON.stringify(beat),
      modelKey(model),
    );
  }
  redis.disconnect();
}
