import { assertPersonnummer, isValidPersonnummer, maskPersonnummer, parsePersonnummer } from './personnummer';

/** Options with the reference date set to noon UTC on the given day. */
function on(isoDate: string) {
  return { referenceDate: new Date(`${isoDate}T12:00:00Z`) };
}

const MID_2025 = on('2025-06-15');

describe('parsePersonnummer', () => {
  describe('accepted forms', () => {
    it.each(['811218-9876', '8112189876', '19811218-9876', '198112189876', '  811218-9876\n'])('parses %j', (input) => {
      expect(parsePersonnummer(input, MID_2025)).toEqual({
        ok: true,
        value: { normalized: '198112189876', kind: 'personnummer', birthDate: '1981-12-18', sex: 'male' },
      });
    });
  });

  describe('format', () => {
    it.each([
      '',
      'not a number',
      '811218 9876',
      '811218_9876',
      '811218--9876',
      '81121-89876',
      '81121898761',
      '1981121898761',
      '8112189876a',
      '19811218+9876', // '+' carries the century, which the 12-digit form already has
    ])('rejects %j', (input) => {
      expect(parsePersonnummer(input, MID_2025)).toEqual({ ok: false, reason: 'format' });
    });

    it('rejects non-string input from untyped callers instead of throwing', () => {
      expect(parsePersonnummer(8112189876 as unknown as string, MID_2025)).toEqual({ ok: false, reason: 'format' });
      expect(parsePersonnummer(undefined as unknown as string, MID_2025)).toEqual({ ok: false, reason: 'format' });
    });
  });

  describe('checksum', () => {
    it('rejects a wrong check digit', () => {
      expect(parsePersonnummer('811218-9875', MID_2025)).toEqual({ ok: false, reason: 'checksum' });
      expect(parsePersonnummer('19811218-9877', MID_2025)).toEqual({ ok: false, reason: 'checksum' });
    });

    it('rejects a mistyped digit elsewhere', () => {
      expect(parsePersonnummer('811219-9876', MID_2025)).toEqual({ ok: false, reason: 'checksum' });
    });

    it('computes the checksum over the 10-digit form, without the century', () => {
      // Same last ten digits, different century: both valid.
      expect(parsePersonnummer('19121212-1212', MID_2025).ok).toBe(true);
      expect(parsePersonnummer('20121212-1212', MID_2025).ok).toBe(true);
    });
  });

  describe('date', () => {
    it.each([
      '811318-9876', // month 13
      '810018-9876', // month 0
      '810100-9876', // day 0
      '810132-9876', // 31 January is the last day
      '810431-9876', // April has 30 days
      '810230-9876', // no 30 February
      '17991231-9876', // before the first century personnummer are issued for
    ])('rejects %j before looking at the checksum', (input) => {
      expect(parsePersonnummer(input, MID_2025)).toEqual({ ok: false, reason: 'date' });
    });
  });

  describe('leap days', () => {
    it('accepts 29 February in a leap year', () => {
      expect(parsePersonnummer('000229-9816', MID_2025)).toMatchObject({
        ok: true,
        value: { birthDate: '2000-02-29' },
      });
      expect(parsePersonnummer('240229-9826', MID_2025)).toMatchObject({
        ok: true,
        value: { birthDate: '2024-02-29' },
      });
      expect(parsePersonnummer('20000229-9816', MID_2025)).toMatchObject({
        ok: true,
        value: { normalized: '200002299816' },
      });
    });

    it('rejects 29 February in a common year', () => {
      expect(parsePersonnummer('990229-9982', MID_2025)).toEqual({ ok: false, reason: 'date' });
      expect(parsePersonnummer('230229-9826', MID_2025)).toEqual({ ok: false, reason: 'date' });
    });

    it('applies the leap-year rule to the century the separator selects', () => {
      // '+' puts 00 in 1900, which (divisible by 100, not by 400) was not a leap year.
      expect(parsePersonnummer('000229+9816', MID_2025)).toEqual({ ok: false, reason: 'date' });
      expect(parsePersonnummer('19000229-9816', MID_2025)).toEqual({ ok: false, reason: 'date' });
    });

    it('does not place a leap-day birth in the future', () => {
      // On 28 Feb 2000, 000229 with '-' can only mean 1900, which has no 29 February.
      expect(parsePersonnummer('000229-9816', on('2000-02-28'))).toEqual({ ok: false, reason: 'date' });
      expect(parsePersonnummer('000229-9816', on('2000-02-29'))).toMatchObject({
        ok: true,
        value: { birthDate: '2000-02-29' },
      });
    });
  });

  describe('century of the 10-digit forms', () => {
    it("'-' or no separator: the most recent matching date not after the reference date", () => {
      expect(parsePersonnummer('121212-1212', MID_2025)).toMatchObject({
        ok: true,
        value: { normalized: '201212121212' },
      });
      expect(parsePersonnummer('1212121212', MID_2025)).toMatchObject({
        ok: true,
        value: { normalized: '201212121212' },
      });
      expect(parsePersonnummer('811218-9876', MID_2025)).toMatchObject({
        ok: true,
        value: { normalized: '198112189876' },
      });
    });

    it("'-': a birthday later this year means the previous century", () => {
      expect(parsePersonnummer('121212-1212', on('2012-12-12'))).toMatchObject({
        ok: true,
        value: { birthDate: '2012-12-12' },
      });
      expect(parsePersonnummer('121212-1212', on('2012-12-11'))).toMatchObject({
        ok: true,
        value: { birthDate: '1912-12-12' },
      });
    });

    it("'+': the holder is 100 or older", () => {
      expect(parsePersonnummer('121212+1212', MID_2025)).toMatchObject({
        ok: true,
        value: { normalized: '191212121212' },
      });
      expect(parsePersonnummer('990101+9985', MID_2025)).toMatchObject({
        ok: true,
        value: { birthDate: '1899-01-01' },
      });
      expect(parsePersonnummer('990101-9985', MID_2025)).toMatchObject({
        ok: true,
        value: { birthDate: '1999-01-01' },
      });
    });

    it("'+': turning 100 on the reference date counts, the day before does not", () => {
      expect(parsePersonnummer('121212+1212', on('2012-12-12'))).toMatchObject({
        ok: true,
        value: { birthDate: '1912-12-12' },
      });
      expect(parsePersonnummer('121212+1212', on('2012-12-11'))).toMatchObject({
        ok: true,
        value: { birthDate: '1812-12-12' },
      });
    });

    it("reads the reference date in Sweden, not UTC's date", () => {
      // 23:30 UTC on 11 Dec is already 12 Dec in Sweden: a child born that day is written with '-',
      // and the person born in 1912 has turned 100 and is written with '+'.
      const afterSwedishMidnight = { referenceDate: new Date('2012-12-11T23:30:00Z') };
      expect(parsePersonnummer('121212-1212', afterSwedishMidnight)).toMatchObject({
        ok: true,
        value: { birthDate: '2012-12-12' },
      });
      expect(parsePersonnummer('121212+1212', afterSwedishMidnight)).toMatchObject({
        ok: true,
        value: { birthDate: '1912-12-12' },
      });
      // An hour earlier it is still 11 Dec in Sweden too.
      expect(parsePersonnummer('121212-1212', { referenceDate: new Date('2012-12-11T22:30:00Z') })).toMatchObject({
        ok: true,
        value: { birthDate: '1912-12-12' },
      });
    });

    it('ignores the reference date for the 12-digit forms', () => {
      expect(parsePersonnummer('20121212-1212', on('2000-01-01'))).toMatchObject({
        ok: true,
        value: { birthDate: '2012-12-12' },
      });
      expect(parsePersonnummer('19121212-1212', on('2030-01-01'))).toMatchObject({
        ok: true,
        value: { birthDate: '1912-12-12' },
      });
    });

    it('defaults the reference date to now', () => {
      expect(parsePersonnummer('811218-9876')).toMatchObject({ ok: true, value: { normalized: '198112189876' } });
    });

    it('throws on an invalid reference date, which is a programming error', () => {
      expect(() => parsePersonnummer('811218-9876', { referenceDate: new Date('nonsense') })).toThrow(RangeError);
    });
  });

  describe('samordningsnummer', () => {
    it('recognises day + 60 and reports the real birth date', () => {
      expect(parsePersonnummer('701063-2391', MID_2025)).toEqual({
        ok: true,
        value: { normalized: '197010632391', kind: 'samordningsnummer', birthDate: '1970-10-03', sex: 'male' },
      });
      expect(parsePersonnummer('20121272-1219', MID_2025)).toMatchObject({
        ok: true,
        value: { kind: 'samordningsnummer', birthDate: '2012-12-12' },
      });
    });

    it('validates the real date behind the day + 60', () => {
      expect(parsePersonnummer('700291-2391', MID_2025)).toEqual({ ok: false, reason: 'date' }); // 31 February
      expect(parsePersonnummer('701092-2391', MID_2025)).toEqual({ ok: false, reason: 'date' }); // 32 October
      expect(parsePersonnummer('701060-2391', MID_2025)).toEqual({ ok: false, reason: 'date' }); // day 0
    });

    it('uses the real birth date when choosing the century', () => {
      expect(parsePersonnummer('121272-1219', on('2012-12-12'))).toMatchObject({
        ok: true,
        value: { birthDate: '2012-12-12' },
      });
      expect(parsePersonnummer('121272-1219', on('2012-12-11'))).toMatchObject({
        ok: true,
        value: { birthDate: '1912-12-12' },
      });
    });

    it('checks the Luhn digit over the number as written (day + 60)', () => {
      expect(parsePersonnummer('701063-2392', MID_2025)).toEqual({ ok: false, reason: 'checksum' });
    });
  });

  describe('legal sex', () => {
    it('is male when the second-to-last digit is odd', () => {
      expect(parsePersonnummer('811218-9876', MID_2025)).toMatchObject({ value: { sex: 'male' } });
      expect(parsePersonnummer('000229-9816', MID_2025)).toMatchObject({ value: { sex: 'male' } });
    });

    it('is female when the second-to-last digit is even', () => {
      expect(parsePersonnummer('240229-9826', MID_2025)).toMatchObject({ value: { sex: 'female' } });
      expect(parsePersonnummer('010101-9982', MID_2025)).toMatchObject({ value: { sex: 'female' } });
    });
  });
});

describe('isValidPersonnummer', () => {
  it('is true only for numbers that parse', () => {
    expect(isValidPersonnummer('811218-9876', MID_2025)).toBe(true);
    expect(isValidPersonnummer('811218-9875', MID_2025)).toBe(false);
    expect(isValidPersonnummer('hello', MID_2025)).toBe(false);
  });
});

describe('assertPersonnummer', () => {
  it('returns the parsed number when valid', () => {
    expect(assertPersonnummer('811218-9876', MID_2025).normalized).toBe('198112189876');
  });

  it.each([
    ['811218-9875', /check digit does not match/],
    ['810230-9876', /not a real calendar date/],
    ['81-12-18', /expected one of YYMMDD-NNNN/],
  ])('throws a clear error for %j', (input, message) => {
    expect(() => assertPersonnummer(input, MID_2025)).toThrow(message);
  });

  it('keeps the number out of the error message, since messages end up in logs', () => {
    let message = '';
    try {
      assertPersonnummer('811218-9875', MID_2025);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Invalid personnummer/);
    expect(message).not.toContain('811218');
    expect(message).not.toContain('9875');
  });
});

describe('maskPersonnummer', () => {
  it('keeps the 12-digit date part and hides the last four digits', () => {
    expect(maskPersonnummer('19121212-1212', MID_2025)).toBe('19121212-****');
    expect(maskPersonnummer('121212+1212', MID_2025)).toBe('19121212-****');
    expect(maskPersonnummer('121212-1212', MID_2025)).toBe('20121212-****');
    expect(maskPersonnummer('701063-2391', MID_2025)).toBe('19701063-****');
  });

  it('masks invalid input entirely so that nothing leaks', () => {
    expect(maskPersonnummer('811218-9875', MID_2025)).toBe('********-****');
    expect(maskPersonnummer('garbage 811218', MID_2025)).toBe('********-****');
  });
});
