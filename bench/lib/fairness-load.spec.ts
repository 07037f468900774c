// The fairness scenario's bookkeeping: when a measurement window counts as under the bulk send's
// load, and how a send is split into batches (no timings: those are `npm run bench -- fairness`).
import { batchSizes, notUnderLoad, SendProgress, underLoad } from './fairness-load';

const at = (finished: number, total = 1000): SendProgress => ({
  at: '2026-12-08T00:00:00Z',
  sinceAcceptedS: 0,
  total,
  expanded: total,
  finished,
  events: finished,
  eventsPublished: finished,
});

describe('underLoad', () => {
  it('holds when the send delivered before, during and after the window', () => {
    expect(underLoad(at(10), at(500))).toBe(true);
    expect(notUnderLoad(at(10), at(500))).toBeNull();
  });

  it('does not hold before delivery began (the send still being accepted or expanded)', () => {
    expect(underLoad(at(0), at(500))).toBe(false);
    expect(notUnderLoad(at(0), at(500))).toMatch(/still being accepted or expanded/);
  });

  it('does not hold when nothing was delivered during the window', () => {
    expect(underLoad(at(300), at(300))).toBe(false);
    expect(notUnderLoad(at(300), at(300))).toMatch(/no progress/);
  });

  it('does not hold when the send had finished by the end of the window', () => {
    expect(underLoad(at(300), at(1000))).toBe(false);
    expect(notUnderLoad(at(300), at(1000))).toMatch(/had finished/);
  });
});

describe('batchSizes', () => {
  it('splits a send into the fewest batches of at most the size, as even as can be', () => {
    expect(batchSizes(100_000, 50_000)).toEqual([50_000, 50_000]);
    expect(batchSizes(100_001, 50_000)).toEqual([33_334, 33_334, 33_333]);
    expect(batchSizes(12_000, 50_000)).toEqual([12_000]);
  });

  it('refuses a send of nothing', () => {
    expect(() => batchSizes(0, 50_000)).toThrow();
  });
});
