import { assertOrganisationsnummer, isValidOrganisationsnummer, parseOrganisationsnummer } from './organisationsnummer';

const MID_2025 = { referenceDate: new Date('2025-06-15T12:00:00Z') };

describe('parseOrganisationsnummer', () => {
  describe('real municipalities (group 2)', () => {
    it.each([
      ['Sundsvalls kommun', '212000-2411'],
      ['Ånge kommun', '212000-2387'],
      ['Timrå kommun', '212000-2395'],
      ['Härnösands kommun', '212000-2403'],
      ['Stockholms stad', '212000-0142'],
      ['Göteborgs stad', '212000-1355'],
    ])('%s %s passes Luhn and is public sector', (_name, number) => {
      expect(parseOrganisationsnummer(number)).toEqual({
        ok: true,
        value: { kind: 'legal-entity', normalized: number, groupNumber: 2, form: 'public-sector' },
      });
    });
  });

  describe('accepted forms', () => {
    it.each(['212000-2411', '2120002411', '162120002411', '16212000-2411', ' 212000-2411 '])('normalizes %j to NNNNNN-NNNN', (input) => {
      expect(parseOrganisationsnummer(input)).toMatchObject({ ok: true, value: { normalized: '212000-2411' } });
    });
  });

  describe('group number gives the legal form', () => {
    it.each([
      ['102000-0004', 1, 'estate'],
      ['212000-2411', 2, 'public-sector'],
      ['302000-0000', 3, 'foreign-company'],
      ['556036-0793', 5, 'aktiebolag'],
      ['602000-0003', 6, 'simple-partnership'],
      ['769000-0000', 7, 'economic-association'],
      ['802000-0009', 8, 'non-profit-association-or-foundation'],
      ['916000-0007', 9, 'trading-or-limited-partnership'],
    ])('%s -> group %i, %s', (number, groupNumber, form) => {
      expect(parseOrganisationsnummer(number)).toEqual({
        ok: true,
        value: { kind: 'legal-entity', normalized: number, groupNumber, form },
      });
    });

    it('rejects the unassigned groups 0 and 4 even with a valid check digit', () => {
      expect(parseOrganisationsnummer('412000-2417')).toEqual({ ok: false, reason: 'group' });
      expect(parseOrganisationsnummer('012000-2415')).toEqual({ ok: false, reason: 'group' });
    });
  });

  describe('checksum', () => {
    it('rejects a wrong check digit', () => {
      expect(parseOrganisationsnummer('212000-2412')).toEqual({ ok: false, reason: 'checksum' });
      expect(parseOrganisationsnummer('556036-0794')).toEqual({ ok: false, reason: 'checksum' });
      expect(parseOrganisationsnummer('162120002410')).toEqual({ ok: false, reason: 'checksum' });
    });
  });

  describe('format', () => {
    it.each([
      '',
      'SE212000241101', // a VAT number is not an organisationsnummer
      '21200-02411',
      '212000 2411',
      '212000-24111',
      '212000+2411', // '+' (100 years or older) only exists for personnummer
      '16811218-9876', // the "16" prefix is only for legal entities
    ])('rejects %j', (input) => {
      expect(parseOrganisationsnummer(input)).toEqual({ ok: false, reason: 'format' });
    });
  });

  describe('sole traders, who use their personnummer', () => {
    it('accepts a 10-digit personnummer as kind personnummer', () => {
      expect(parseOrganisationsnummer('811218-9876', MID_2025)).toEqual({
        ok: true,
        value: {
          kind: 'personnummer',
          normalized: '811218-9876',
          personnummer: { normalized: '198112189876', kind: 'personnummer', birthDate: '1981-12-18', sex: 'male' },
        },
      });
    });

    it('accepts the 12-digit form and the + separator, normalizing to YYMMDD-NNNN', () => {
      expect(parseOrganisationsnummer('19811218-9876')).toMatchObject({
        ok: true,
        value: { kind: 'personnummer', normalized: '811218-9876' },
      });
      expect(parseOrganisationsnummer('121212+1212', MID_2025)).toMatchObject({
        ok: true,
        value: { kind: 'personnummer', normalized: '121212-1212', personnummer: { birthDate: '1912-12-12' } },
      });
    });

    it('accepts a samordningsnummer', () => {
      expect(parseOrganisationsnummer('701063-2391', MID_2025)).toMatchObject({
        ok: true,
        value: { kind: 'personnummer', personnummer: { kind: 'samordningsnummer' } },
      });
    });

    it('passes on why an invalid personnummer was rejected', () => {
      expect(parseOrganisationsnummer('811218-9875', MID_2025)).toEqual({ ok: false, reason: 'checksum' });
      expect(parseOrganisationsnummer('810230-9876', MID_2025)).toEqual({ ok: false, reason: 'date' });
      expect(parseOrganisationsnummer('17211218-9876', MID_2025)).toEqual({ ok: false, reason: 'date' });
    });
  });

  it('rejects non-string input from untyped callers instead of throwing', () => {
    expect(parseOrganisationsnummer(2120002411 as unknown as string)).toEqual({ ok: false, reason: 'format' });
  });
});

describe('isValidOrganisationsnummer', () => {
  it('is true only for numbers that parse', () => {
    expect(isValidOrganisationsnummer('212000-2411')).toBe(true);
    expect(isValidOrganisationsnummer('212000-2412')).toBe(false);
  });
});

describe('assertOrganisationsnummer', () => {
  it('returns the parsed number when valid', () => {
    expect(assertOrganisationsnummer('2120002411')).toMatchObject({ kind: 'legal-entity', normalized: '212000-2411' });
  });

  it.each([
    ['212000-2412', /check digit does not match/],
    ['412000-2417', /not an assigned group number/],
    ['212000', /expected NNNNNN-NNNN/],
    ['810230-9876', /date part is not a real calendar date/],
  ])('throws a clear error for %j', (input, message) => {
    expect(() => assertOrganisationsnummer(input, MID_2025)).toThrow(message);
  });

  it('keeps the number out of the error message', () => {
    expect(() => assertOrganisationsnummer('212000-2412')).toThrow(/^Invalid organisationsnummer: [^0-9]*$/);
  });
});
