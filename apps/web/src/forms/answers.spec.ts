import { validateAnswers } from '@kommuna/e-forms';
import { answersFromEntries, shownFields } from './answers';
import { tenantForm } from './test-forms';

const parking = tenantForm('sundsvall', 'parkeringstillstand');

describe('answers from a posted form', () => {
  it('types each answer as its field does and leaves empty ones out', () => {
    const answers = answersFromEntries(parking, [
      ['root_roll', 'forare'],
      ['root_telefon', ' 070-123 45 67 '],
      ['root_epost', ''],
      ['root_funktionsnedsattning', 'Jag har svårt att gå längre sträckor.'],
      ['root_varaktighetManader', '24'],
      ['root_gangstrackaMeter', '+150'],
      ['root_harLakarintyg', 'false'],
      ['csrf', 'not an answer'],
      ['root_okant', 'not a field'],
    ]);
    expect(answers).toEqual({
      roll: 'forare',
      telefon: ' 070-123 45 67 ',
      funktionsnedsattning: 'Jag har svårt att gå längre sträckor.',
      varaktighetManader: 24,
      gangstrackaMeter: 150,
      harLakarintyg: false,
    });
    // What the web sends is what the api accepts.
    expect(validateAnswers(parking, answers, 'sv')).toEqual([]);
  });

  it('passes on what a field cannot take, so the api names the problem in plain words', () => {
    const answers = answersFromEntries(parking, [
      ['root_varaktighetManader', 'ett år'],
      ['root_harLakarintyg', 'kanske'],
    ]);
    expect(answers).toEqual({ varaktighetManader: 'ett år' });
    expect(validateAnswers(parking, answers, 'sv')).toContainEqual({
      path: '/varaktighetManader',
      message: 'Fel typ: ska vara ett heltal',
    });
  });
});

describe('conditions judged as the api judges them', () => {
  it('shows the helper question to a passenger only, and the certificate to one who attaches it', () => {
    expect(Object.fromEntries(shownFields(parking, { roll: 'forare', harLakarintyg: false }))).toEqual({
      behovAvHjalp: false,
      lakarintyg: false,
    });
    expect(Object.fromEntries(shownFields(parking, { roll: 'passagerare', harLakarintyg: true }))).toEqual({
      behovAvHjalp: true,
      lakarintyg: true,
    });
    // The api agrees: a hidden field answered is refused, a shown one left empty is required.
    expect(validateAnswers(parking, { roll: 'forare', behovAvHjalp: 'Jag behöver hjälp ur bilen.' }, 'sv')).toContainEqual({
      path: '/behovAvHjalp',
      message: 'Fältet visas inte utifrån dina svar och ska inte fyllas i',
    });
    expect(validateAnswers(parking, { roll: 'passagerare' }, 'sv')).toContainEqual({
      path: '/behovAvHjalp',
      message: 'Fältet måste fyllas i',
    });
  });

  it('hides a field whose rule cannot be judged, as the api does', () => {
    const broken = { ...parking, conditions: [{ field: 'epost', showWhen: { '<': [{ var: 'roll' }, { unknownOperator: [] }] } }] };
    expect(shownFields(broken, { roll: 'forare' }).get('epost')).toBe(false);
  });
});
