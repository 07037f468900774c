import fc from 'fast-check';
import { validateFormDefinition } from './definition';
import { exampleDefinition } from './test-support';
import { validateAnswers } from './validation';

const parking = validateFormDefinition(exampleDefinition('parkeringstillstand'));
const bygglov = validateFormDefinition(exampleDefinition('bygglov-forfragan'));
const validParking = () => ({
  roll: 'forare',
  telefon: '060-19 10 00',
  funktionsnedsattning: 'Jag har svårt att gå längre sträckor.',
  varaktighetManader: 24,
  gangstrackaMeter: 50,
  harLakarintyg: false,
});

describe('validating answers', () => {
  it('accepts valid answers', () => {
    expect(validateAnswers(parking, validParking(), 'sv')).toEqual([]);
  });

  it('reports an unknown field and a wrong type with their paths, in Swedish by default and English on request', () => {
    const data = { ...validParking(), hacker: 'x', varaktighetManader: 'long' };
    expect(validateAnswers(parking, data, 'sv')).toEqual([
      { path: '/hacker', message: 'Okänt fält: formuläret har inget sådant fält' },
      { path: '/varaktighetManader', message: 'Fel typ: ska vara ett heltal' },
    ]);
    expect(validateAnswers(parking, data, 'en')).toEqual([
      { path: '/hacker', message: 'Unknown field: the form has no such field' },
      { path: '/varaktighetManader', message: 'Wrong type: must be a whole number' },
    ]);
  });

  it('refuses characters the receipt cannot print, at the field, instead of printing "?" later', () => {
    const data = { ...validParking(), funktionsnedsattning: 'Knäna 👋 värker ≤ 2 dagar i veckan 漢' };
    expect(validateAnswers(parking, data, 'sv')).toEqual([
      { path: '/funktionsnedsattning', message: 'Tecknen 👋 漢 kan inte skrivas ut på kvittensen: ta bort dem' },
    ]);
    expect(validateAnswers(parking, { ...data, funktionsnedsattning: 'Knäna värker ≤ 2 dagar, ŉ och ł' }, 'en')).toEqual([]);
  });

  it('reports every missing required field at once', () => {
    expect(validateAnswers(parking, {}, 'en').map((e) => e.path)).toEqual([
      '/funktionsnedsattning',
      '/gangstrackaMeter',
      '/harLakarintyg',
      '/roll',
      '/telefon',
      '/varaktighetManader',
    ]);
  });

  it('requires a conditional field when its condition holds, and only then', () => {
    expect(validateAnswers(parking, { ...validParking(), roll: 'passagerare' }, 'sv')).toEqual([
      { path: '/behovAvHjalp', message: 'Fältet måste fyllas i' },
    ]);
    expect(validateAnswers(parking, { ...validParking(), harLakarintyg: true }, 'en')).toEqual([
      { path: '/lakarintyg', message: 'This field is required' },
    ]);
    expect(
      validateAnswers(
        bygglov,
        { fastighetsbeteckning: 'Norrmalm 3:12', atgard: 'altan', beskrivning: 'En altan på baksidan', namn: 'A', svarsform: 'telefon' },
        'sv',
      ),
    ).toEqual([
      { path: '/atgard', message: 'Värdet är inte ett av de tillåtna alternativen' },
      { path: '/telefon', message: 'Fältet måste fyllas i' },
    ]);
  });

  it('refuses an answer to a field hidden by its condition', () => {
    expect(validateAnswers(parking, { ...validParking(), behovAvHjalp: 'Jag behöver hjälp ur bilen' }, 'en')).toEqual([
      { path: '/behovAvHjalp', message: 'This field is not shown given your answers and must be left empty' },
    ]);
  });

  it('answers a non-object with one error at the root', () => {
    for (const data of [null, 42, 'x', [], true]) {
      expect(validateAnswers(parking, data, 'sv')).toEqual([{ path: '', message: 'Svaren ska vara ett objekt med ett värde per fält' }]);
    }
  });

  it('never throws on any JSON, and reports only well-formed errors (property)', () => {
    const fieldNames = Object.keys(parking.dataSchema.properties as object);
    const anyAnswers = fc.oneof(
      fc.jsonValue(),
      fc.dictionary(fc.oneof(fc.constantFrom(...fieldNames, '__proto__', 'constructor', 'toString'), fc.string()), fc.jsonValue()),
      fc.record(
        {
          roll: fc.oneof(fc.constantFrom('forare', 'passagerare'), fc.jsonValue()),
          varaktighetManader: fc.oneof(fc.integer(), fc.jsonValue()),
          harLakarintyg: fc.oneof(fc.boolean(), fc.jsonValue()),
          lakarintyg: fc.oneof(fc.uuid(), fc.jsonValue()),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(anyAnswers, fc.constantFrom('sv' as const, 'en' as const), (data, language) => {
        const errors = validateAnswers(parking, data, language);
        for (const e of errors) {
          expect(typeof e.path).toBe('string');
          expect(e.path === '' || e.path.startsWith('/')).toBe(true);
          expect(e.message.length).toBeGreaterThan(0);
        }
        // Anything that is not an object of this form's answers must fail.
        if (data === null || typeof data !== 'object' || Array.isArray(data)) expect(errors.length).toBe(1);
      }),
      { numRuns: 500 },
    );
  });
});
