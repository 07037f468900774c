import * as identifiers from './index';

describe('public API', () => {
  it('exports only the intended functions', () => {
    expect(Object.keys(identifiers).sort()).toEqual(
      [
        'allKommuner',
        'allLan',
        'assertOrganisationsnummer',
        'assertPersonnummer',
        'findKommun',
        'generateTestPersonnummer',
        'isKommunkod',
        'isValidOrganisationsnummer',
        'isValidPersonnummer',
        'maskPersonnummer',
        'parseOrganisationsnummer',
        'parsePersonnummer',
        'stockholmDay',
      ].sort(),
    );
  });
});
