import type { ClassifyResponse } from '@imgcls/contracts';
import { problemsWith, type CaseContext, type HostileCase } from './support/hostile-case';
import { ACCEPTED_CASES } from './support/hostile-cases-accepted';
import { FRAMING_CASES, SLOW_CLIENT_TIMEOUT_MS } from './support/hostile-cases-framing';
import { REFUSED_CASES } from './support/hostile-cases-refused';
import { UPLOAD_CASES } from './support/hostile-cases-upload';
import { postRaw, type Outcome } from './support/http-outcome';
import { photo } from './support/jobs';
import { residentBytes, toMiB } from './support/process-memory';
import { startStack, type Stack } from './support/stack';

const CASES: readonly HostileCase[] = [
  ...UPLOAD_CASES,
  ...FRAMING_CASES,
  ...REFUSED_CASES,
  ...ACCEPTED_CASES,
];
const MAX_RSS_GROWTH_BYTES = 100 * 1024 * 1024;

interface Row {
  name: string;
  status: number | string;
  ms: number;
  ok: boolean;
}

/**
 * A table of hostile uploads and hostile HTTP, all against ONE api and ONE worker: each gets
 * its expected status (errors as `{error:{code,message}}` with the expected code and no
 * internals), the api stays live after every one, nothing answers 5xx, neither process dies,
 * and neither one's memory grows by 100 MB.
 */
describe(`hostile input (${CASES.length} cases, one api + one worker)`, () => {
  let stack: Stack;
  let ctx: CaseContext;
  const rows: Row[] = [];
  /** Every status the suite saw, the comparison requests of `verify` included. */
  const statuses: number[] = [];
  const rssBefore = { api: 0, worker: 0 };

  const pids = () => ({ api: stack.api.child.pid, worker: stack.workers[0]?.child.pid });

  beforeAll(async () => {
    stack = await startStack({
      workers: 1,
      env: {
        REQUEST_TIMEOUT_MS: String(SLOW_CLIENT_TIMEOUT_MS),
        HEADERS_TIMEOUT_MS: String(SLOW_CLIENT_TIMEOUT_MS),
      },
    });
    ctx = {
      url: stack.url,
      classify: async (bytes, contentType = 'image/jpeg'): Promise<ClassifyResponse> => {
        const outcome = await postRaw(stack.url, bytes, contentType);
        statuses.push(outcome.status);
        if (outcome.status !== 200) {
          throw new Error(
            `reference upload got ${outcome.status}: ${JSON.stringify(outcome.body)}`,
          );
        }
        return outcome.body as ClassifyResponse;
      },
    };
    // One ordinary classification first: ONNX Runtime's arenas are sized by the first run,
    // which is start-up cost, not growth caused by hostile input.
    await ctx.classify((await photo(1)).bytes);
    rssBefore.api = await residentBytes(pids().api);
    rssBefore.worker = await residentBytes(pids().worker);
  });

  afterAll(async () => {
    const width = Math.max(...rows.map((r) => r.name.length));
    const table = rows.map(
      (r) =>
        `${r.ok ? ' ' : '✗'} ${r.name.padEnd(width)}  ${String(r.status).padStart(3)}  ${Math.round(
          r.ms,
        )
          .toString()
          .padStart(5)} ms`,
    );
    console.log(`hostile input: case → status → ms\n${table.join('\n')}`);
    await stack?.stop();
  });

  it.each(CASES)('$name', async (c) => {
    let outcome: Outcome;
    try {
      outcome = await c.send(ctx);
    } catch (error) {
      rows.push({ name: c.name, status: 'ERR', ms: NaN, ok: false });
      throw error;
    }
    statuses.push(outcome.status);
    const problems = await problemsWith(c, outcome, ctx, stack.prefix);
    const live = await fetch(`${stack.url}/health/live`);
    if (live.status !== 200) problems.push(`/health/live answered ${live.status} after the case`);
    rows.push({ name: c.name, status: outcome.status, ms: outcome.ms, ok: problems.length === 0 });
    expect(problems).toEqual([]);
  });

  it('answered nothing with 5xx; both processes still run; memory grew < 100 MB each', async () => {
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(stack.api.running).toBe(true);
    expect(stack.workers.map((w) => w.running)).toEqual([true]);
    const growth = {
      api: (await residentBytes(pids().api)) - rssBefore.api,
      worker: (await residentBytes(pids().worker)) - rssBefore.worker,
    };
    console.log(
      `resident memory: api ${toMiB(rssBefore.api)} → +${toMiB(growth.api)}, ` +
        `worker ${toMiB(rssBefore.worker)} → +${toMiB(growth.worker)}`,
    );
    expect(growth.api).toBeLessThan(MAX_RSS_GROWTH_BYTES);
    expect(growth.worker).toBeLessThan(MAX_RSS_GROWTH_BYTES);
  });
});
