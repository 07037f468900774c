import { compareCalendarDates, daysInMonth, isLeapYear, isValidCalendarDate, stockholmDay } from './calendar-date';

describe('isLeapYear', () => {
  it.each([
    [2024, true],
    [2023, false],
    [2000, true], // divisible by 400
    [1900, false], // divisible by 100 but not 400
  ])('%i -> %s', (year, expected) => {
    expect(isLeapYear(year)).toBe(expected);
  });
});

describe('daysInMonth', () => {
  it('knows the length of every month', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((month) => daysInMonth(2023, month))).toEqual([
      31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
    ]);
    expect(daysInMonth(2024, 2)).toBe(29);
  });
});

describe('isValidCalendarDate', () => {
  it('accepts real dates, including leap days', () => {
    expect(isValidCalendarDate({ year: 2024, month: 2, day: 29 })).toBe(true);
    expect(isValidCalendarDate({ year: 1981, month: 12, day: 31 })).toBe(true);
  });

  it('rejects dates that do not exist', () => {
    expect(isValidCalendarDate({ year: 2023, month: 2, day: 29 })).toBe(false);
    expect(isValidCalendarDate({ year: 1981, month: 4, day: 31 })).toBe(false);
    expect(isValidCalendarDate({ year: 1981, month: 13, day: 1 })).toBe(false);
    expect(isValidCalendarDate({ year: 1981, month: 0, day: 1 })).toBe(false);
    expect(isValidCalendarDate({ year: 1981, month: 1, day: 0 })).toBe(false);
  });
});

describe('compareCalendarDates', () => {
  it('orders by year, then month, then day', () => {
    expect(compareCalendarDates({ year: 2000, month: 1, day: 1 }, { year: 1999, month: 12, day: 31 })).toBeGreaterThan(0);
    expect(compareCalendarDates({ year: 2000, month: 1, day: 2 }, { year: 2000, month: 2, day: 1 })).toBeLessThan(0);
    expect(compareCalendarDates({ year: 2000, month: 2, day: 1 }, { year: 2000, month: 2, day: 1 })).toBe(0);
  });
});

describe('stockholmDay', () => {
  it.each([
    // Winter (CET, UTC+1): Swedish midnight is 23:00 UTC the day before.
    ['2026-12-07T22:59:59Z', '2026-12-07'],
    ['2026-12-07T23:00:00Z', '2026-12-08'],
    ['2026-12-07T23:30:00Z', '2026-12-08'], // the hour after midnight, when the UTC date is still the 7th
    ['2026-12-08T12:00:00Z', '2026-12-08'],
    ['2026-12-31T23:30:00Z', '2027-01-01'], // a new year in Sweden, still the old one in UTC
    // Summer (CEST, UTC+2): Swedish midnight is 22:00 UTC the day before.
    ['2026-06-30T21:59:59Z', '2026-06-30'],
    ['2026-06-30T22:00:00Z', '2026-07-01'],
    ['2026-06-30T23:59:59Z', '2026-07-01'],
    // The days the clocks change: midnight still follows the offset of the night before.
    ['2026-03-28T23:00:00Z', '2026-03-29'],
    ['2026-10-24T22:00:00Z', '2026-10-25'],
    ['2026-10-25T22:59:59Z', '2026-10-25'],
    ['2026-10-25T23:00:00Z', '2026-10-26'],
  ])('%s is %s in Sweden', (instant, day) => {
    expect(stockholmDay(new Date(instant))).toBe(day);
  });

  it('refuses an invalid date', () => {
    expect(() => stockholmDay(new Date('not a date'))).toThrow(RangeError);
  });
});
