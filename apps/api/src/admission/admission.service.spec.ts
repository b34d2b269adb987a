import { ServiceError } from '@imgcls/contracts';
import { openQueueStack, type QueueStack } from '../testing/queue-stack';
import { AdmissionService, type AdmissionTicket } from './admission.service';

const KiB = 1024;

/** The admission ledger on the real Redis, each test under its own prefix. */
describe('AdmissionService', () => {
  const opened: { stack: QueueStack; admission: AdmissionService }[] = [];

  async function start(env: Record<string, string>): Promise<AdmissionService> {
    const stack = await openQueueStack(env);
    const admission = new AdmissionService(stack.config, stack.queue);
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

  /** Reserves for each size at once; the tickets granted and the codes of the refusals. */
  async function reserveAll(admission: AdmissionService, sizes: (number | undefined)[]) {
    const settled = await Promise.allSettled(sizes.map((size) => admission.reserve(size)));
    const tickets = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const refusals = settled.flatMap((s) =>
      s.status === 'rejected' ? [(s.reason as ServiceError).code] : [],
    );
    return { tickets, refusals };
  }

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
    await ticket.handOver(10 * KiB);
    expect((await reserveAll(admission, [undefined])).tickets).toHaveLength(1);
  });

  it('bounds the uploads one process reads at once', async () => {
    const admission = await start({ MAX_INFLIGHT_UPLOADS: '3' });
    const { tickets } = await reserveAll(
      admission,
      Array.from({ length: 3 }, () => 1),
    );
    await expect(admission.reserve(1)).rejects.toThrow('3 uploads are already arriving');
    await tickets[0]?.handOver(1);
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
