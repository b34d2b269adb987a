import type { InputSet } from './inputs';
import { runOpenLoop, type OpenLoopResult } from './open-loop';
import type { BenchOptions } from './options';
import type { ServerRun } from './results';
import type { Contender } from './sections';

const log = (line: string) => console.log(line);
const OPEN_LOOP_INPUT = 'photos';

/** A server's capacity in this run: its best closed-loop throughput on the input. */
export function capacityOf(run: ServerRun, input: string): number | undefined {
  const rates = run.cells.filter((c) => c.input === input && c.completed > 0).map((c) => c.imgPerS);
  return rates.length === 0 ? undefined : Math.max(...rates);
}

/**
 * 4. Open loop: for each load share, every server in turn (the order rotating, as for the
 * closed-loop cells) gets the same seeded Poisson schedule scaled to its own capacity.
 */
export async function measureOpenLoop(
  contenders: readonly Contender[],
  inputs: readonly InputSet[],
  options: BenchOptions,
  requestTimeoutMs: number,
): Promise<void> {
  const input = inputs.find((set) => set.name === OPEN_LOOP_INPUT);
  if (options.openLoopShares.length === 0 || input === undefined) return;
  for (const [group, loadShare] of options.openLoopShares.entries()) {
    const order = contenders.map(
      (_, i) => contenders[(i + group) % contenders.length] as Contender,
    );
    for (const { server, run } of order) {
      const capacityImgPerS = capacityOf(run, input.name);
      if (run.failure !== undefined || capacityImgPerS === undefined) continue;
      const result = await runOpenLoop(server.inferenceUrl, input, {
        loadShare,
        capacityImgPerS,
        durationMs: options.openLoopMs,
        seed: options.seed,
        requestTimeoutMs,
        watch: server.processes,
        cores: options.cores,
      });
      run.failure = server.problem();
      if (run.failure !== undefined) continue;
      await server.waitIdle();
      (run.openLoop ??= []).push(result);
      log(`    open loop ${pctOf(loadShare)} ${server.label}: ${openLoopLine(result)}`);
    }
  }
}

const pctOf = (share: number) => `${(share * 100).toFixed(0)}%`;

function openLoopLine(r: OpenLoopResult): string {
  const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} ms` : '—');
  return (
    `offered ${r.offeredPerS.toFixed(1)}/s, served ${r.servedPerS.toFixed(1)}/s, ` +
    `p50 ${ms(r.p50Ms)}, p99 ${ms(r.p99Ms)}, p99.9 ${ms(r.p999Ms)}, ${r.errors} errors`
  );
}
