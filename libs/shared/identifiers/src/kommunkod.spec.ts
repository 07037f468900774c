import { allKommuner, allLan, findKommun, isKommunkod } from './kommunkod';

const EXPECTED_LAN: ReadonlyArray<[string, string]> = [
  ['01', 'Stockholms län'],
  ['03', 'Uppsala län'],
  ['04', 'Södermanlands län'],
  ['05', 'Östergötlands län'],
  ['06', 'Jönköpings län'],
  ['07', 'Kronobergs län'],
  ['08', 'Kalmar län'],
  ['09', 'Gotlands län'],
  ['10', 'Blekinge län'],
  ['12', 'Skåne län'],
  ['13', 'Hallands län'],
  ['14', 'Västra Götalands län'],
  ['17', 'Värmlands län'],
  ['18', 'Örebro län'],
  ['19', 'Västmanlands län'],
  ['20', 'Dalarnas län'],
  ['21', 'Gävleborgs län'],
  ['22', 'Västernorrlands län'],
  ['23', 'Jämtlands län'],
  ['24', 'Västerbottens län'],
  ['25', 'Norrbottens län'],
];

// Number of kommuner in each län in the current division.
const EXPECTED_KOMMUN_COUNT_BY_LAN: Readonly<Record<string, number>> = {
  '01': 26,
  '03': 8,
  '04': 9,
  '05': 13,
  '06': 13,
  '07': 8,
  '08': 12,
  '09': 1,
  '10': 5,
  '12': 33,
  '13': 6,
  '14': 49,
  '17': 16,
  '18': 12,
  '19': 10,
  '20': 15,
  '21': 10,
  '22': 7,
  '23': 8,
  '24': 15,
  '25': 14,
};

describe('the kommun list', () => {
  const kommuner = allKommuner();

  it('has exactly 290 kommuner with unique four-digit codes', () => {
    expect(kommuner).toHaveLength(290);
    expect(new Set(kommuner.map((kommun) => kommun.kod)).size).toBe(290);
    for (const kommun of kommuner) expect(kommun.kod).toMatch(/^\d{4}$/);
  });

  it('has unique, non-empty names', () => {
    expect(new Set(kommuner.map((kommun) => kommun.namn)).size).toBe(290);
    for (const kommun of kommuner) expect(kommun.namn.trim()).toBe(kommun.namn);
    for (const kommun of kommuner) expect(kommun.namn).not.toBe('');
  });

  it('is ordered by code', () => {
    const codes = kommuner.map((kommun) => kommun.kod);
    expect(codes).toEqual([...codes].sort());
  });

  it('puts every kommun in the län named by the first two digits of its code', () => {
    const lanNameByCode = new Map(EXPECTED_LAN);
    for (const kommun of kommuner) {
      expect(kommun.lan).toBe(kommun.kod.slice(0, 2));
      expect(lanNameByCode.get(kommun.lan)).toBe(kommun.lanNamn);
    }
  });

  it('has the right number of kommuner in each län', () => {
    const counts: Record<string, number> = {};
    for (const kommun of kommuner) counts[kommun.lan] = (counts[kommun.lan] ?? 0) + 1;
    expect(counts).toEqual(EXPECTED_KOMMUN_COUNT_BY_LAN);
  });

  it('cannot be modified by callers', () => {
    expect(Object.isFrozen(kommuner)).toBe(true);
    expect(Object.isFrozen(kommuner[0])).toBe(true);
  });
});

describe('findKommun', () => {
  it.each([
    ['0114', 'Upplands Väsby', '01'],
    ['0180', 'Stockholm', '01'],
    ['0305', 'Håbo', '03'],
    ['0330', 'Knivsta', '03'], // formed from Uppsala in 2003
    ['0331', 'Heby', '03'], // moved from Västmanlands län in 2007
    ['0360', 'Tierp', '03'],
    ['0642', 'Mullsjö', '06'],
    ['0643', 'Habo', '06'],
    ['0980', 'Gotland', '09'],
    ['1280', 'Malmö', '12'],
    ['1282', 'Landskrona', '12'],
    ['1480', 'Göteborg', '14'],
    ['1814', 'Lekeberg', '18'],
    ['2260', 'Ånge', '22'],
    ['2262', 'Timrå', '22'],
    ['2280', 'Härnösand', '22'],
    ['2281', 'Sundsvall', '22'],
    ['2282', 'Kramfors', '22'],
    ['2283', 'Sollefteå', '22'],
    ['2284', 'Örnsköldsvik', '22'],
    ['2584', 'Kiruna', '25'],
  ])('%s is %s in län %s', (kod, namn, lan) => {
    expect(findKommun(kod)).toMatchObject({ kod, namn, lan });
  });

  it('gives the län name with the kommun', () => {
    expect(findKommun('2281')).toEqual({ kod: '2281', namn: 'Sundsvall', lan: '22', lanNamn: 'Västernorrlands län' });
  });

  it('returns undefined for codes that are not kommuner', () => {
    expect(findKommun('1931')).toBeUndefined(); // Heby's old code in Västmanlands län
    expect(findKommun('0100')).toBeUndefined();
    expect(findKommun('2281 ')).toBeUndefined();
    expect(findKommun('')).toBeUndefined();
  });
});

describe('isKommunkod', () => {
  it('accepts existing codes', () => {
    expect(isKommunkod('2281')).toBe(true);
    expect(isKommunkod('0114')).toBe(true);
  });

  it('rejects anything else', () => {
    expect(isKommunkod('114')).toBe(false); // the leading zero matters
    expect(isKommunkod(114)).toBe(false);
    expect(isKommunkod('1931')).toBe(false);
    expect(isKommunkod('9999')).toBe(false);
    expect(isKommunkod(undefined)).toBe(false);
  });
});

describe('allLan', () => {
  it('lists the 21 län with code and name, ordered by code', () => {
    expect(allLan().map(({ kod, namn }) => [kod, namn])).toEqual(EXPECTED_LAN);
  });
});
