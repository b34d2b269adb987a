import { ServiceTime } from './service-time';

describe('ServiceTime', () => {
  it('knows nothing before the first job', () => {
    expect(new ServiceTime().recentJobMs(1_000)).toBeNull();
  });

  it('averages the slot times of the jobs that ended within the last 10 s', () => {
    const time = new ServiceTime();
    time.record(900, 1_000, true); // ended 10.5 s before the reading: too old
    time.record(100, 2_000, true);
    time.record(300, 5_000, true);
    expect(time.recentJobMs(11_500)).toBe(200);
    expect(time.recentJobMs(12_000)).toBe(200); // exactly 10 s: still recent
    expect(time.recentJobMs(15_001)).toBeNull(); // idle for over 10 s
  });

  it('keeps only the last 32 jobs, so a change of load shows quickly', () => {
    const time = new ServiceTime();
    for (let i = 0; i < 32; i += 1) time.record(1_000, i, true);
    for (let i = 0; i < 16; i += 1) time.record(2_000, 100 + i, true);
    // 16 of 1000 ms and 16 of 2000 ms remain.
    expect(time.recentJobMs(200)).toBe(1_500);
  });

  it('counts only the jobs that shared the machine with every other slot, when there are some', () => {
    const time = new ServiceTime();
    time.record(100, 1_000, false);
    time.record(300, 1_100, false);
    expect(time.recentJobMs(2_000)).toBe(200); // none contended: all of them
    time.record(800, 1_200, true);
    time.record(1_000, 1_300, true);
    expect(time.recentJobMs(2_000)).toBe(900);
  });
});
