import type { WorkerHeartbeat } from '@imgcls/contracts';
import { serviceCapacity, type ServiceCapacity } from './queue-wait';

/** Heartbeats come every HEARTBEAT_INTERVAL_MS (2 s by default): reading faster adds nothing. */
const REFRESH_MS = 1_000;

/**
 * The live workers' slots, sessions and service rate, re-read from their heartbeats once a
 * second, off the request path. Why heartbeats: every worker process on every host already
 * writes one to the shared Redis, so a rate there covers them all, and the three numbers add
 * 57 bytes to a 390-byte beat. Reading them costs this api one O(workers) script a second, whatever the
 * request rate: 12 µs of Redis time with two workers, 55 µs with fifty (1000 reads, Redis
 * commandstats, AMD EPYC Zen 4). Reading them inside the reservation script instead would
 * cost that, plus a JSON decode per worker, on every request. Counting completions from
 * QueueEvents would be free, but it measures the arrival rate while the workers are not
 * saturated (a burst after a quiet minute would be refused for nothing), and knows no slots.
 */
export class WorkerCapacity {
  private capacity: ServiceCapacity = { slots: 0, sessions: 0, ratePerS: undefined };
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly readHeartbeats: () => Promise<WorkerHeartbeat[]>) {}

  /** Reads once, then keeps reading in the background. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer ??= setInterval(() => void this.refresh(), REFRESH_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  current(): ServiceCapacity {
    return this.capacity;
  }

  private async refresh(): Promise<void> {
    try {
      this.capacity = serviceCapacity(await this.readHeartbeats());
    } catch {
      // Redis away: the reservation fails on its own; the last reading is kept for its return.
    }
  }
}
