import { ArchiveExportInvalidError } from './errors';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
const stockholm = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Stockholm',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** How far Europe/Stockholm is ahead of UTC at `instant`, in milliseconds. */
function stockholmOffset(instant: number): number {
  const parts = Object.fromEntries(stockholm.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  const local = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return local - Math.floor(instant / 1000) * 1000;
}

/**
 * A date a person gives for a period: a day (`2026-05-01`, midnight in Sweden, where the
 * municipality's days are counted) or an exact time with its offset (`2026-05-01T00:00:00Z`).
 * Anything else, or a day that does not exist, is VALIDATION_FAILED naming `field`.
 */
export function parseArchiveDate(value: string, field: string): Date {
  const day = DAY.exec(value);
  if (day) {
    const [y, m, d] = [+day[1], +day[2], +day[3]];
    const midnightUtc = Date.UTC(y, m - 1, d);
    const check = new Date(midnightUtc);
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d)
      throw new ArchiveExportInvalidError(`${field}: ${value} is not a date that exists`);
    // Midnight in Stockholm: subtract the offset that holds at that moment (CET or CEST).
    const guess = midnightUtc - stockholmOffset(midnightUtc);
    return new Date(midnightUtc - stockholmOffset(guess));
  }
  if (TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value))) return new Date(value);
  throw new ArchiveExportInvalidError(
    `${field}: "${value}" is neither a day (YYYY-MM-DD) nor a time with its offset (2026-05-01T00:00:00Z)`,
  );
}
