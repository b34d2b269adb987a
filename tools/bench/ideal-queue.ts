/**
 * The open loop's yardstick: the same arrivals served by an ideal server of the same capacity.
 * It finishes one request every `1000 / capacity` ms, in arrival order, and does nothing else
 * (no HTTP, no queue, no decode). A FIFO server whose requests each take at least that long
 * (every one of ours: one request alone does not run faster than the capacity's share of the
 * machine) cannot end any request sooner, so its tail is the least any such server can have.
 */

/** How long each arrival waits and is served by the ideal server, in arrival order. */
export function idealLatenciesMs(arrivalsMs: readonly number[], capacityPerS: number): number[] {
  if (!(capacityPerS > 0)) throw new Error(`capacity must be positive, got ${capacityPerS}/s`);
  const serviceMs = 1000 / capacityPerS;
  let freeAtMs = -Infinity;
  return arrivalsMs.map((atMs) => {
    freeAtMs = Math.max(freeAtMs, atMs) + serviceMs;
    return freeAtMs - atMs;
  });
}
