// Swedish personnummer and samordningsnummer (folkbokföringslagen 1991:481, 18 and 18 a §§).
//
// The 10-digit forms leave out the century. The separator carries it instead:
// '-' (or none) means the holder is younger than 100 at the reference date,
// '+' means 100 or older. So parsing a 10-digit form needs a reference date.

import { CalendarDate, compareCalendarDates, formatIsoDate, isValidCalendarDate, stockholmDay } from './calendar-date';
import { isLuhnValid } from './luhn';

export type PersonnummerKind = 'personnummer' | 'samordningsnummer';

/** Legal sex as registered: the second-to-last digit is odd for male, even for female. */
export type LegalSex = 'female' | 'male';

export interface ParsedPersonnummer {
  /** Always 12 digits, `YYYYMMDDNNNN`; a samordningsnummer keeps its day + 60. */
  readonly normalized: string;
  readonly kind: PersonnummerKind;
  /** ISO date `YYYY-MM-DD` (for a samordningsnummer, the day with 60 subtracted). */
  readonly birthDate: string;
  readonly sex: LegalSex;
}

export type PersonnummerInvalidReason = 'format' | 'date' | 'checksum';

export type PersonnummerParseResult =
  { readonly ok: true; readonly value: ParsedPersonnummer } | { readonly ok: false; readonly reason: PersonnummerInvalidReason };

export interface PersonnummerParseOptions {
  /**
   * Decides the century of the 10-digit forms. Its calendar date is read in Sweden (Europe/Stockholm),
   * where the separator changes from '-' to '+' on the 100th birthday. Defaults to now.
   */
  readonly referenceDate?: Date;
}

/** Samordningsnummer are personnummer with 60 added to the day of birth. */
const SAMORDNINGSNUMMER_DAY_OFFSET = 60;

// Personnummer have been issued to people born in the 1800s, 1900s and 2000s.
const MIN_YEAR = 1800;
const MAX_YEAR = 2099;

const TWELVE_DIGIT_FORM = /^(\d{4})(\d{2})(\d{2})-?(\d{4})$/;
const TEN_DIGIT_FORM = /^(\d{2})(\d{2})(\d{2})([-+]?)(\d{4})$/;

const INVALID_REASON_MESSAGES: Record<PersonnummerInvalidReason, string> = {
  format: 'Invalid personnummer: expected one of YYMMDD-NNNN, YYMMDD+NNNN, YYMMDDNNNN, YYYYMMDDNNNN or YYYYMMDD-NNNN',
  date: 'Invalid personnummer: the date part is not a real calendar date',
  checksum: 'Invalid personnummer: the check digit does not match (Luhn)',
};

/** Parses any accepted form. Never throws for bad input; see `reason` instead. */
export function parsePersonnummer(input: string, options: PersonnummerParseOptions = {}): PersonnummerParseResult {
  if (typeof input !== 'string') return invalid('format');
  const text = input.trim();

  const twelve = TWELVE_DIGIT_FORM.exec(text);
  if (twelve) {
    const [, year, month, day, serialAndCheck] = twelve;
    return validateParts(Number(year), month, day, serialAndCheck);
  }

  const ten = TEN_DIGIT_FORM.exec(text);
  if (ten) {
    const [, yy, month, day, separator, serialAndCheck] = ten;
    const [refYear, refMonth, refDay] = stockholmDay(referenceDateOrNow(options.referenceDate)).split('-').map(Number);
    const reference: CalendarDate = { year: refYear, month: refMonth, day: refDay };
    const year = resolveCentury(Number(yy), Number(month), birthDayOfMonth(Number(day)), reference, separator === '+');
    return validateParts(year, month, day, serialAndCheck);
  }

  return invalid('format');
}

export function isValidPersonnummer(input: string, options: PersonnummerParseOptions = {}): boolean {
  return parsePersonnummer(input, options).ok;
}

/** Like `parsePersonnummer`, but throws an Error (without echoing the number) when invalid. */
export function assertPersonnummer(input: string, options: PersonnummerParseOptions = {}): ParsedPersonnummer {
  const result = parsePersonnummer(input, options);
  if (!result.ok) throw new Error(INVALID_REASON_MESSAGES[result.reason]);
  return result.value;
}

const FULLY_MASKED = '********-****';

/**
 * Safe-for-logs form: keeps the date part, hides the last four digits, e.g.
 * `19121212-****`. Input that does not parse is masked entirely, so nothing leaks.
 */
export function maskPersonnummer(input: string, options: PersonnummerParseOptions = {}): string {
  const result = parsePersonnummer(input, options);
  return result.ok ? `${result.value.normalized.slice(0, 8)}-****` : FULLY_MASKED;
}

function validateParts(year: number, monthDigits: string, dayDigits: string, serialAndCheck: string): PersonnummerParseResult {
  const numberedDay = Number(dayDigits);
  const kind: PersonnummerKind = numberedDay > SAMORDNINGSNUMMER_DAY_OFFSET ? 'samordningsnummer' : 'personnummer';
  const birthDate: CalendarDate = { year, month: Number(monthDigits), day: birthDayOfMonth(numberedDay) };
  if (year < MIN_YEAR || year > MAX_YEAR || !isValidCalendarDate(birthDate)) return invalid('date');

  const yearDigits = String(year);
  const tenDigitForm = `${yearDigits.slice(2)}${monthDigits}${dayDigits}${serialAndCheck}`;
  if (!isLuhnValid(tenDigitForm)) return invalid('checksum');

  const sexDigit = Number(serialAndCheck[2]);
  return {
    ok: true,
    value: {
      normalized: `${yearDigits}${monthDigits}${dayDigits}${serialAndCheck}`,
      kind,
      birthDate: formatIsoDate(birthDate),
      sex: sexDigit % 2 === 1 ? 'male' : 'female',
    },
  };
}

function birthDayOfMonth(numberedDay: number): number {
  return numberedDay > SAMORDNINGSNUMMER_DAY_OFFSET ? numberedDay - SAMORDNINGSNUMMER_DAY_OFFSET : numberedDay;
}

/**
 * Latest year ending in `yy` whose birthday (month/day) has occurred by the
 * reference date, or by the reference date 100 years back for '+' numbers.
 */
function resolveCentury(yy: number, month: number, day: number, reference: CalendarDate, isHundredOrOlder: boolean): number {
  const latestAllowed = isHundredOrOlder ? { ...reference, year: reference.year - 100 } : reference;
  let year = latestAllowed.year - (latestAllowed.year % 100) + yy;
  if (compareCalendarDates({ year, month, day }, latestAllowed) > 0) year -= 100;
  return year;
}

function referenceDateOrNow(referenceDate: Date | undefined): Date {
  if (referenceDate === undefined) return new Date();
  // A broken reference date is a programming error, not bad input.
  if (Number.isNaN(referenceDate.getTime())) throw new RangeError('referenceDate is an invalid Date');
  return referenceDate;
}

function invalid(reason: PersonnummerInvalidReason): PersonnummerParseResult {
  return { ok: false, reason };
}
