import { parsePersonnummer } from './personnummer';
import { generateTestPersonnummer } from './test-personnummer';

const SAMPLE_SIZE = 2_000;
const indexes = Array.from({ length: SAMPLE_SIZE }, (_, index) => index);

function serialOf(normalized: string): number {
  return Number(normalized.slice(8, 11));
}

describe('generateTestPersonnummer', () => {
  it('is deterministic', () => {
    expect(generateTestPersonnummer(0)).toBe('190001019801');
    expect(generateTestPersonnummer(42)).toBe(generateTestPersonnummer(42));
    expect(generateTestPersonnummer(42, { sex: 'male' })).toBe(generateTestPersonnummer(42, { sex: 'male' }));
  });

  it('produces valid 12-digit personnummer with a correct check digit', () => {
    for (const index of indexes) {
      const generated = generateTestPersonnummer(index);
      expect(generated).toMatch(/^\d{12}$/);
      expect(parsePersonnummer(generated)).toMatchObject({
        ok: true,
        value: { normalized: generated, kind: 'personnummer' },
      });
    }
  });

  it('stays within the test range: serial 980-999 and birth years 1900-2010', () => {
    for (const index of indexes) {
      const generated = generateTestPersonnummer(index);
      expect(serialOf(generated)).toBeGreaterThanOrEqual(980);
      expect(serialOf(generated)).toBeLessThanOrEqual(999);
      const year = Number(generated.slice(0, 4));
      expect(year).toBeGreaterThanOrEqual(1900);
      expect(year).toBeLessThanOrEqual(2010);
    }
  });

  it('spreads consecutive indexes over many birth dates and both sexes', () => {
    const generated = indexes.map((index) => generateTestPersonnummer(index));
    expect(new Set(generated.map((number) => number.slice(0, 8))).size).toBeGreaterThan(SAMPLE_SIZE / 2);
    const sexes = new Set(generated.map((number) => (parsePersonnummer(number).ok ? Number(number[10]) % 2 : -1)));
    expect(sexes).toEqual(new Set([0, 1]));
  });

  it('gives distinct numbers for every index up to its capacity, then wraps around', () => {
    const capacity = 810_840; // 40 542 birth dates x 20 serial numbers
    const seen = new Set<string>();
    for (let index = 0; index < capacity; index++) seen.add(generateTestPersonnummer(index));
    expect(seen.size).toBe(capacity);
    expect(generateTestPersonnummer(capacity)).toBe(generateTestPersonnummer(0));
    expect(generateTestPersonnummer(-1)).toBe(generateTestPersonnummer(capacity - 1));
  });

  it.each(['female', 'male'] as const)('can be restricted to legal sex %s', (sex) => {
    const seen = new Set<string>();
    for (const index of indexes) {
      const generated = generateTestPersonnummer(index, { sex });
      seen.add(generated);
      expect(parsePersonnummer(generated)).toMatchObject({ ok: true, value: { sex } });
      expect(serialOf(generated)).toBeGreaterThanOrEqual(980);
    }
    expect(seen.size).toBe(SAMPLE_SIZE);
  });

  it('rejects indexes that are not safe integers', () => {
    expect(() => generateTestPersonnummer(1.5)).toThrow(RangeError);
    expect(() => generateTestPersonnummer(Number.NaN)).toThrow(RangeError);
    expect(() => generateTestPersonnummer(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
  });
});
