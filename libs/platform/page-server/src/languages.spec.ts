import { labelOf, langFrom, localeOf } from './languages';

describe('page languages', () => {
  it('takes the language a cookie names, and Swedish for anything else', () => {
    expect(['en', 'sv', 'de', '', undefined, '%E0%A4%A', ['en']].map(langFrom)).toEqual(['en', 'sv', 'sv', 'sv', 'sv', 'sv', 'sv']);
  });

  it('writes numbers as in Sweden or in British English', () => {
    expect(new Intl.NumberFormat(localeOf('sv')).format(1234.5)).toBe('1\u00a0234,5');
    expect(new Intl.NumberFormat(localeOf('en')).format(1234.5)).toBe('1,234.5');
  });

  it('labels a value from its table, and shows the value itself when the table has no label', () => {
    const table = { beta: { sv: 'Beta', en: 'Beta' }, stable: { sv: 'Stabil', en: 'Stable' } };
    expect([labelOf(table, 'stable', 'sv'), labelOf(table, 'stable', 'en'), labelOf(table, 'retired', 'sv')]).toEqual([
      'Stabil',
      'Stable',
      'retired',
    ]);
  });
});
