// A realistic 20-field form (an application for a grant towards home adaptation,
// "bostadsanpassningsbidrag"-like): text, e-mail, phone, dates, selects, numbers, booleans,
// two conditional fields, and the answers a citizen gives.
const t = (sv: string, en: string) => ({ sv, en });
const field = (name: string, kind: string, sv: string, en: string, options?: string[]) => ({
  name,
  kind,
  label: t(sv, en),
  ...(options ? { options: options.map((value) => ({ value, label: t(value, value) })) } : {}),
});

export const BENCH_FORM_SLUG = 'bostadsanpassning';

export const BENCH_FORM_DEFINITION = {
  title: t('Ansök om bostadsanpassningsbidrag', 'Apply for a home adaptation grant'),
  description: t('Bidrag för att anpassa din bostad efter en funktionsnedsättning.', 'A grant to adapt your home to a disability.'),
  caseType: 'bostadsanpassning',
  errandNumberPrefix: 'BAB',
  loginRequired: true,
  retention: { draftDays: 30, submissionDays: 3650 },
  steps: [
    {
      id: 'sokande',
      title: t('Sökande', 'Applicant'),
      fields: [
        field('fornamn', 'text', 'Förnamn', 'First name'),
        field('efternamn', 'text', 'Efternamn', 'Last name'),
        field('epost', 'email', 'E-post', 'E-mail'),
        field('telefon', 'phone', 'Telefon', 'Phone'),
        field('adress', 'text', 'Adress', 'Address'),
        field('postnummer', 'text', 'Postnummer', 'Postcode'),
        field('ort', 'text', 'Ort', 'Town'),
        field('fodelsedatum', 'date', 'Födelsedatum', 'Date of birth'),
      ],
    },
    {
      id: 'atgard',
      title: t('Åtgärd', 'Adaptation'),
      fields: [
        field('atgard', 'select', 'Åtgärd', 'Adaptation', ['tröskel', 'ramp', 'badrum', 'spis', 'dörröppnare']),
        field('beskrivning', 'textarea', 'Beskriv behovet', 'Describe the need'),
        field('antalRum', 'integer', 'Antal rum som berörs', 'Rooms concerned'),
        field('beraknadKostnad', 'number', 'Beräknad kostnad (kr)', 'Estimated cost (SEK)'),
        field('onskatStartdatum', 'date', 'Önskat startdatum', 'Wished start date'),
        field('boendeform', 'select', 'Boendeform', 'Type of housing', ['hyresrätt', 'bostadsrätt', 'villa']),
        field('hyresvardensMedgivande', 'boolean', 'Hyresvärden har gett sitt medgivande', 'The landlord has consented'),
        field('hyresvard', 'text', 'Hyresvärd', 'Landlord'),
        field('harIntyg', 'boolean', 'Intyg från arbetsterapeut finns', 'An occupational therapist certificate exists'),
        field('tolkbehov', 'boolean', 'Behöver du tolk?', 'Do you need an interpreter?'),
        field('sprak', 'text', 'Vilket språk?', 'Which language?'),
        field('samtycke', 'boolean', 'Jag intygar att uppgifterna är riktiga', 'I confirm the information is correct'),
      ],
    },
  ],
  dataSchema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    additionalProperties: false,
    required: [
      'fornamn',
      'efternamn',
      'epost',
      'telefon',
      'adress',
      'postnummer',
      'ort',
      'fodelsedatum',
      'atgard',
      'beskrivning',
      'antalRum',
      'beraknadKostnad',
      'onskatStartdatum',
      'boendeform',
      'harIntyg',
      'tolkbehov',
      'samtycke',
    ],
    properties: {
      fornamn: { type: 'string', minLength: 1, maxLength: 100 },
      efternamn: { type: 'string', minLength: 1, maxLength: 100 },
      epost: { type: 'string', format: 'email', maxLength: 200 },
      telefon: { type: 'string', pattern: '^[0-9 +()-]{6,20}$' },
      adress: { type: 'string', minLength: 1, maxLength: 200 },
      postnummer: { type: 'string', pattern: '^[0-9]{3} ?[0-9]{2}$' },
      ort: { type: 'string', minLength: 1, maxLength: 100 },
      fodelsedatum: { type: 'string', format: 'date' },
      atgard: { type: 'string', enum: ['tröskel', 'ramp', 'badrum', 'spis', 'dörröppnare'] },
      beskrivning: { type: 'string', minLength: 10, maxLength: 4000 },
      antalRum: { type: 'integer', minimum: 1, maximum: 20 },
      beraknadKostnad: { type: 'number', minimum: 0, maximum: 10000000 },
      onskatStartdatum: { type: 'string', format: 'date' },
      boendeform: { type: 'string', enum: ['hyresrätt', 'bostadsrätt', 'villa'] },
      hyresvardensMedgivande: { type: 'boolean' },
      hyresvard: { type: 'string', minLength: 1, maxLength: 200 },
      harIntyg: { type: 'boolean' },
      tolkbehov: { type: 'boolean' },
      sprak: { type: 'string', minLength: 2, maxLength: 60 },
      samtycke: { type: 'boolean', const: true },
    },
  },
  conditions: [
    { field: 'hyresvardensMedgivande', showWhen: { '==': [{ var: 'boendeform' }, 'hyresrätt'] }, requiredWhen: true },
    { field: 'hyresvard', showWhen: { '==': [{ var: 'boendeform' }, 'hyresrätt'] }, requiredWhen: true },
    { field: 'sprak', showWhen: { '==': [{ var: 'tolkbehov' }, true] }, requiredWhen: true },
  ],
  notifications: [{ on: 'received', channel: 'digital-mail', recipient: 'applicant' }],
};

const FIRST = ['Anna', 'Erik', 'Maria', 'Lars', 'Karin', 'Johan', 'Eva', 'Nils', 'Sara', 'Per'];
const LAST = ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson'];

/** Valid answers to all 20 fields (the conditional ones shown), different per citizen. */
export function benchAnswers(i: number): Record<string, unknown> {
  const first = FIRST[i % FIRST.length];
  const last = LAST[i % LAST.length];
  return {
    fornamn: first,
    efternamn: last,
    epost: `${first}.${last}${i}@example.se`.toLowerCase(),
    telefon: `060-19 ${String(10 + (i % 89)).padStart(2, '0')} ${String(i % 100).padStart(2, '0')}`,
    adress: `Storgatan ${1 + (i % 120)}`,
    postnummer: '852 30',
    ort: 'Sundsvall',
    fodelsedatum: `19${40 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
    atgard: ['tröskel', 'ramp', 'badrum', 'spis', 'dörröppnare'][i % 5],
    beskrivning: 'Jag använder rullator och behöver ta bort trösklar och få en ramp vid entrén för att kunna ta mig in och ut själv.',
    antalRum: 1 + (i % 5),
    beraknadKostnad: 12000 + (i % 40) * 500,
    onskatStartdatum: '2027-03-01',
    boendeform: 'hyresrätt',
    hyresvardensMedgivande: true,
    hyresvard: 'Mitthem AB',
    harIntyg: i % 3 !== 0,
    tolkbehov: true,
    sprak: 'arabiska',
    samtycke: true,
  };
}

export const SUBMIT_MUTATION = `mutation($input: SubmitFormInput!) { submitForm(input: $input) { submissionId errandNumber status } }`;
export const CREATE_FORM = 'mutation($input: CreateFormInput!) { createForm(input: $input) { slug } }';
export const PUBLISH_FORM = 'mutation($slug: String!) { publishFormVersion(formSlug: $slug, version: "1.0") { status } }';
