import { isLuhnValid, luhnCheckDigit } from './luhn';

describe('luhnCheckDigit', () => {
  it.each([
    ['811218987', 6], // Skatteverket's example personnummer 811218-9876
    ['212000241', 1], // Sundsvalls kommun 212000-2411
    ['556036079', 3], // Saab AB 556036-0793
    ['000000000', 0],
  ])('gives the check digit of %s as %i', (payload, expected) => {
    expect(luhnCheckDigit(payload)).toBe(expected);
  });

  it('rejects payloads that are not digits', () => {
    expect(() => luhnCheckDigit('81121-987')).toThrow('digits only');
    expect(() => luhnCheckDigit('')).toThrow('digits only');
  });
});

describe('isLuhnValid', () => {
  it('accepts a number whose last digit is its check digit', () => {
    expect(isLuhnValid('8112189876')).toBe(true);
  });

  it('rejects every other last digit', () => {
    for (let digit = 0; digit <= 9; digit++) {
      if (digit === 6) continue;
      expect(isLuhnValid(`811218987${digit}`)).toBe(false);
    }
  });

  it('detects a single changed digit and swapped neighbours', () => {
    expect(isLuhnValid('8112189866')).toBe(false);
    expect(isLuhnValid('8112189786')).toBe(false);
  });

  it('rejects input that is not only digits, or too short to have a check digit', () => {
    expect(isLuhnValid('811218-9876')).toBe(false);
    expect(isLuhnValid('')).toBe(false);
    expect(isLuhnValid('0')).toBe(false);
  });
});
