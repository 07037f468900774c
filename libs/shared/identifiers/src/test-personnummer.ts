// Deterministic personnummer for test data factories.
//
// Numbers use serial numbers 980-999 (digits 9-11 of the 12-digit form are
// 98x/99x), the range commonly used for Skatteverket test personnummer, and
// birth dates 1900-01-01..2010-12-31. They pass full validation.

import { LegalSex } from './personnummer';
import { luhnCheckDigit } from './luhn';

export interface TestPersonnummerOptions {
  /** Restricts the output to one legal sex (even or odd second-to-last digit). */
  readonly sex?: LegalSex;
}

const FIRST_BIRTH_DATE_UTC = Date.UTC(1900, 0, 1);
const LAST_BIRTH_DATE_UTC = Date.UTC(2010, 11, 31);
const MS_PER_DAY = 86_400_000;
const BIRTH_DATE_COUNT = (LAST_BIRTH_DATE_UTC - FIRST_BIRTH_DATE_UTC) / MS_PER_DAY + 1;

const FIRST_TEST_SERIAL = 980;
const TEST_SERIAL_COUNT = 20; // 980..999

// Prime and coprime to every capacity below, so multiplying by it permutes the
// index space: consecutive indexes get scattered dates, and distinct indexes
// (below the capacity) never collide.
const SCRAMBLE_MULTIPLIER = 524_287;

/**
 * The `index`-th test personnummer, as a 12-digit `YYYYMMDDNNNN` string.
 *
 * Same index (and options) always gives the same number, and distinct indexes
 * give distinct numbers up to the capacity (810 840 numbers, or 405 420 per
 * sex); beyond that the sequence wraps around. Negative indexes are allowed.
 */
export function generateTestPersonnummer(index: number, options: TestPersonnummerOptions = {}): string {
  if (!Number.isSafeInteger(index)) {
    throw new RangeError(`Test personnummer index must be a safe integer, got ${index}`);
  }
  const serialsPerDay = options.sex === undefined ? TEST_SERIAL_COUNT : TEST_SERIAL_COUNT / 2;
  const capacity = BIRTH_DATE_COUNT * serialsPerDay;

  const wrapped = ((index % capacity) + capacity) % capacity;
  const scrambled = (wrapped * SCRAMBLE_MULTIPLIER) % capacity;
  const dayOffset = Math.floor(scrambled / serialsPerDay);
  const serialSlot = scrambled % serialsPerDay;

  const serial =
    options.sex === undefined ? FIRST_TEST_SERIAL + serialSlot : FIRST_TEST_SERIAL + serialSlot * 2 + (options.sex === 'male' ? 1 : 0);

  const birth = new Date(FIRST_BIRTH_DATE_UTC + dayOffset * MS_PER_DAY);
  const yyyy = String(birth.getUTCFullYear());
  const mm = String(birth.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(birth.getUTCDate()).padStart(2, '0');
  const payload = `${yyyy.slice(2)}${mm}${dd}${serial}`;

  return `${yyyy}${mm}${dd}${serial}${luhnCheckDigit(payload)}`;
}
