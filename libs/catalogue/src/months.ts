/** Months as the catalogue counts them: 'YYYY-MM-01', in Stockholm time (docs/architecture.md#operations). */

import { ValidationFailedError } from '@kommuna/shared-service-contracts';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])(?:-01)?$/;

export class InvalidMonthError extends ValidationFailedError {}

/** The month (YYYY-MM-01) an instant falls in, in Europe/Stockholm. */
// Made once: building a DateTimeFormat costs far more than using it, and metering calls this per event.
const STOCKHOLM_MONTH = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit' });

export function stockholmMonth(at: Date): string {
  const parts = STOCKHOLM_MONTH.formatToParts(at);
  const year = parts.find((p) => p.type === 'year')!.value;
  const month = parts.find((p) => p.type === 'month')!.value;
  return `${year}-${month}-01`;
}

/** Parses 'YYYY-MM' or 'YYYY-MM-01' into 'YYYY-MM-01'; throws a clear error otherwise. */
export function parseMonth(value: string, field = 'month'): string {
  const match = MONTH.exec(value);
  if (!match) throw new InvalidMonthError(`${field} must be a month YYYY-MM (was "${value.slice(0, 20)}")`);
  return `${match[1]}-${match[2]}-01`;
}

export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}

/** Every month from `from` to `to`, both included; at most `limit` months. */
export function monthsBetween(from: string, to: string, limit = 120): string[] {
  if (from > to) throw new InvalidMonthError(`The period starts (${from.slice(0, 7)}) after it ends (${to.slice(0, 7)})`);
  const months: string[] = [];
  for (let month = from; month <= to; month = addMonths(month, 1)) {
    months.push(month);
    if (months.length > limit) throw new InvalidMonthError(`A period may span at most ${limit} months`);
  }
  return months;
}

/** The `count` months up to and including the month of `now`. */
export function lastMonths(count: number, now: Date = new Date()): string[] {
  const to = stockholmMonth(now);
  return monthsBetween(addMonths(to, -(count - 1)), to);
}
