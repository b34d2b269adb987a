import {
  admittedWaitMs,
  completionsBeforeStart,
  completionsWithinBudget,
  estimatedWaitMs,
  serviceCapacity,
} from './queue-wait';

describe('serviceCapacity', () => {
  it('sums slots, sessions and slots / mean job time over the workers', () => {
    const beats = [
      { concurrency: 4, sessions: 2, recent_job_ms: 200 }, // 4 / 0.2 s = 20 jobs/s
      { concurrency: 2, sessions: 1, recent_job_ms: 500 }, // 2 / 0.5 s = 4 jobs/s
      { concurrency: 2, sessions: 1, recent_job_ms: null }, // idle: slots, no rate
      {}, // an earlier release: none of them
    ];
    expect(serviceCapacity(beats)).toEqual({ slots: 8, sessions: 4, ratePerS: 24 });
  });

  it('runs as many jobs at once as a worker holds when it names no sessions, or more', () => {
    const beats = [
      { concurrency: 3, recent_job_ms: 300 }, // an earlier release: no sessions
      { concurrency: 1, sessions: 2, recent_job_ms: 100 }, // one slot runs one job
    ];
    expect(serviceCapacity(beats)).toEqual({ slots: 4, sessions: 4, ratePerS: 20 });
  });

  it('has no rate while no worker finished a job lately', () => {
    expect(serviceCapacity([{ concurrency: 2, sessions: 1, recent_job_ms: null }])).toEqual({
      slots: 2,
      sessions: 1,
      ratePerS: undefined,
    });
    expect(serviceCapacity([])).toEqual({ slots: 0, sessions: 0, ratePerS: undefined });
  });
});

describe('completionsBeforeStart', () => {
  it.each([
    [0, 3, 4, 0], // a session is free: starts at once
    [5, 0, 8, 0], // five uploads arriving at idle workers all find a session
    [0, 4, 4, 1], // every session busy: one job must end first
    [10, 4, 4, 11],
    [3, 1, 2, 3],
    [0, 4, 2, 3], // four slots, two sessions: waits for both runs and one behind them
  ])('%i waiting, %i in slots, %i sessions: %i', (waiting, active, sessions, completions) => {
    expect(completionsBeforeStart(waiting, active, sessions)).toBe(completions);
  });
});

describe('estimatedWaitMs', () => {
  it('is the completions at the service rate', () => {
    expect(estimatedWaitMs(1, 2.5)).toBe(400);
    expect(estimatedWaitMs(11, 24)).toBeCloseTo(458.333, 3);
    expect(estimatedWaitMs(0, 24)).toBe(0);
  });
});

describe('completionsWithinBudget', () => {
  it('is the completions 85% of the budget covers at the rate, rounded down', () => {
    expect(completionsWithinBudget({ slots: 1, sessions: 1, ratePerS: 2.5 }, 2_000)).toBe(4); // 4.25
    expect(completionsWithinBudget({ slots: 8, sessions: 4, ratePerS: 24 }, 500)).toBe(10); // 10.2
    expect(completionsWithinBudget({ slots: 8, sessions: 4, ratePerS: 24 }, 540)).toBe(11); // 11.02
    expect(completionsWithinBudget({ slots: 2, sessions: 2, ratePerS: 10 }, 2_000)).toBe(17); // exact
    // Slower than the budget: admitted only while a session is free.
    expect(completionsWithinBudget({ slots: 1, sessions: 1, ratePerS: 0.4 }, 1_000)).toBe(0);
  });

  it('sets no limit when the budget is off or no rate is known', () => {
    expect(completionsWithinBudget({ slots: 8, sessions: 4, ratePerS: 24 }, 0)).toBeUndefined();
    expect(
      completionsWithinBudget({ slots: 8, sessions: 4, ratePerS: undefined }, 500),
    ).toBeUndefined();
  });

  it('agrees with the estimate at the edge: 10 completions fit 425 ms at 24/s, 11 do not', () => {
    const capacity = { slots: 4, sessions: 4, ratePerS: 24 };
    const allowed = completionsWithinBudget(capacity, 500) ?? -1;
    expect(admittedWaitMs(500)).toBeCloseTo(425, 9);
    for (const waiting of [9, 10]) {
      const completions = completionsBeforeStart(waiting, 4, capacity.sessions);
      const admitted = completions <= allowed;
      const fits = estimatedWaitMs(completions, 24) <= admittedWaitMs(500);
      expect([waiting, admitted]).toEqual([waiting, fits]);
    }
  });
});
