import fc from 'fast-check';
import { generateTestPersonnummer } from '@kommuna/shared-identifiers';
import { Pseudonymiser } from './index';

const PERSONNUMMER = fc.integer({ min: 1, max: 5000 }).map((i) => generateTestPersonnummer(i));
const NAME = fc.constantFrom('Anna', 'Erik Eriksson', 'Åsa Öberg', 'Lena', 'Björn');
const FILLER = fc.constantFrom('Hej', 'ansökan', 'om', 'bistånd', 'skickade', 'kontoutdrag', 'den 3 maj', 'tel. 060-123 45', '.', ',');

describe('Pseudonymiser', () => {
  it('leaves no personnummer or known name in what it sends, and restores the text exactly (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(PERSONNUMMER, NAME, FILLER), { minLength: 1, maxLength: 30 }), (words) => {
        const text = words.join(' ');
        const p = new Pseudonymiser([{ names: ['Anna', 'Erik Eriksson', 'Åsa Öberg', 'Lena', 'Björn'] }]);
        const { text: sent } = p.pseudonymise(text);
        for (const word of words) {
          if (/^\d{12}$/.test(word)) {
            expect(sent).not.toContain(word);
            expect(sent).not.toContain(word.slice(2)); // nor its ten-digit form
          }
        }
        expect(sent).not.toMatch(/Anna|Erik|Åsa|Lena|Björn/);
        const restored = p.restore(sent);
        expect(restored).toEqual({ text, warnings: [] });
      }),
    );
  });

  it('gives the same string the same placeholder, and other forms of a number their own', () => {
    const pnr = generateTestPersonnummer(7);
    const dashed = `${pnr.slice(2, 8)}-${pnr.slice(8)}`;
    const p = new Pseudonymiser([{ names: ['Anna Andersson', 'Anna'] }]);
    const { text } = p.pseudonymise(`Anna Andersson (${pnr}) ringde. Anna, ${dashed}, och ${pnr} igen. Annas bror.`);
    expect(text).toBe('[PERSON_1] ([PNR_1]) ringde. [PERSON_2], [PNR_2], och [PNR_1] igen. Annas bror.');
  });

  it('hides organisationsnummer and known addresses, keeps numbers that fail the Luhn check', () => {
    const p = new Pseudonymiser([{ addresses: ['Storgatan 12'] }]);
    expect(p.pseudonymise('Bolaget 556016-0680 på Storgatan 12, ärende 199001011234.').text).toBe(
      'Bolaget [ORGNR_1] på [ADRESS_1], ärende 199001011234.',
    );
  });

  it('restores placeholders a model reformatted but flags them, and flags invented ones', () => {
    const p = new Pseudonymiser([{ names: ['Erik'] }]);
    p.pseudonymise('Erik ringde.');
    expect(p.restore('PERSON_1 ringde, [Person 1] också; [PERSON_2] nämndes.')).toEqual({
      text: 'Erik ringde, Erik också; [PERSON_2] nämndes.',
      warnings: [
        'placeholder written as PERSON_1 instead of [PERSON_1]',
        'placeholder written as [Person 1] instead of [PERSON_1]',
        'unknown placeholder [PERSON_2]',
      ],
    });
  });
});
