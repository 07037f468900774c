// Luhn (mod 10) as used by Skatteverket for personnummer, samordningsnummer
// and organisationsnummer: computed over the 10-digit form, weights 2,1,2,1,...
// from the left, where the 10th digit is the check digit.

const DIGITS_ONLY = /^\d+$/;

/** Check digit (0-9) that makes `payload` followed by it pass Luhn. */
export function luhnCheckDigit(payload: string): number {
  if (!DIGITS_ONLY.test(payload)) {
    throw new Error('Luhn payload must consist of digits only');
  }
  let sum = 0;
  // Weight 2 applies to the digit right before the check digit, then alternates.
  for (let i = 0; i < payload.length; i++) {
    const digit = payload.charCodeAt(payload.length - 1 - i) - 48;
    const weighted = i % 2 === 0 ? digit * 2 : digit;
    sum += weighted > 9 ? weighted - 9 : weighted;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when the last digit of `digits` is the Luhn check digit of the rest. */
export function isLuhnValid(digits: string): boolean {
  if (digits.length < 2 || !DIGITS_ONLY.test(digits)) return false;
  return luhnCheckDigit(digits.slice(0, -1)) === Number(digits[digits.length - 1]);
}
