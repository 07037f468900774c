// Plain calendar dates: birth dates encoded in identifiers (no time zone), and the Swedish day of an instant.

export interface CalendarDate {
  readonly year: number;
  /** 1-12 */
  readonly month: number;
  /** 1-31 */
  readonly day: number;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function isValidCalendarDate({ year, month, day }: CalendarDate): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/** Negative when a is before b, 0 when equal, positive when after. */
export function compareCalendarDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

export function formatIsoDate({ year, month, day }: CalendarDate): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

// Made once: building a DateTimeFormat costs far more than using it, and callers use it per record.
const STOCKHOLM_DAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' });

/**
 * The Swedish calendar day (YYYY-MM-DD) of an instant: what "today" or a record's date is to a
 * municipality, whose days are Europe/Stockholm's. Not the UTC date (`toISOString().slice(0, 10)`),
 * which is still the day before from Swedish midnight until 01:00 UTC+1 (CET) or 02:00 UTC+2 (CEST).
 */
export function stockholmDay(at: Date): string {
  // Read from the parts, not the formatted string, so no locale's date format can change the result.
  const parts = STOCKHOLM_DAY.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}
