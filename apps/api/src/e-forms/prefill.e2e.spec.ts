import { NodeProcess, startNodeProcess } from '@kommuna/platform-testing';
import { startTestApi, TestApi } from '../testing/test-api';

// The simulator's Navet people (apps/digital-mail-simulator/src/navet.ts).
const ANNA = '199001019802';
const SARA_SKYDDAD = '198507099805';

/** A form asking for name and address, each prefilled from the population register. */
const definition = {
  title: { sv: 'Anmälan om adress', en: 'Address notification' },
  caseType: 'adressanmalan',
  errandNumberPrefix: 'ADR',
  loginRequired: true,
  retention: { submissionDays: 365 },
  steps: [
    {
      id: 'du',
      title: { sv: 'Du', en: 'You' },
      fields: [
        { name: 'namn', kind: 'text', label: { sv: 'Namn', en: 'Name' } },
        { name: 'gatuadress', kind: 'text', label: { sv: 'Gatuadress', en: 'Street' } },
        { name: 'postnummer', kind: 'text', label: { sv: 'Postnummer', en: 'Postal code' } },
        { name: 'ort', kind: 'text', label: { sv: 'Ort', en: 'City' } },
      ],
    },
  ],
  dataSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { namn: { type: 'string' }, gatuadress: { type: 'string' }, postnummer: { type: 'string' }, ort: { type: 'string' } },
  },
  prefill: { namn: 'fullName', gatuadress: 'street', postnummer: 'postalCode', ort: 'city' },
};

// Issue 25: a resident's draft prefilled from Navet, through the api as `npm start` builds it,
// against the national-party simulator's Navet v3 (a process of its own, as npm start runs it).
describe('e-forms: a draft prefilled from the population register (Navet simulator)', () => {
  let simulator: NodeProcess;
  let api: TestApi;
  const previous = process.env.DIGITAL_MAIL_SIMULATOR_URL;
  beforeAll(async () => {
    simulator = await startNodeProcess({
      script: 'apps/digital-mail-simulator/src/main.ts',
      args: ['--port=0'],
      readyText: /ready on (http:\/\/\S+)/,
    });
    const [, url] = await simulator.ready;
    // Where the api's adapters find the simulator when tenant.yaml names no register (adapterEnvironmentFromEnv).
    process.env.DIGITAL_MAIL_SIMULATOR_URL = url;
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
    await simulator?.stop();
    if (previous === undefined) delete process.env.DIGITAL_MAIL_SIMULATOR_URL;
    else process.env.DIGITAL_MAIL_SIMULATOR_URL = previous;
  });

  const as = (claims: Record<string, unknown>) => `Bearer ${api.realm.token(claims)}`;
  const ok = async (authorization: string, query: string, variables?: Record<string, unknown>) => {
    const { status, body } = await api.graphql(query, { 'x-kommuna-tenant': 'sundsvall', authorization }, variables);
    expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
    return body.data;
  };
  const startDraft = (personnummer: string) =>
    ok(
      as({ sub: `citizen-${personnummer}`, realm_access: { roles: ['citizen'] }, personnummer }),
      'mutation { startFormDraft(formSlug: "adressanmalan") { data } }',
    ).then((data) => data.startFormDraft.data);

  beforeAll(async () => {
    const admin = as({ sub: 'sundsvall-admin', realm_access: { roles: ['tenant_admin'] }, organization: ['sundsvall'] });
    await ok(admin, 'mutation($input: CreateFormInput!) { createForm(input: $input) { slug } }', {
      input: { slug: 'adressanmalan', unit: 'samhallsbyggnad', definition, changelog: 'Första versionen' },
    });
    await ok(admin, 'mutation { publishFormVersion(formSlug: "adressanmalan", version: "1.0") { version } }');
  });

  it("starts the logged-in resident's draft with their name and registered address from Navet", async () => {
    expect(await startDraft(ANNA)).toEqual({ namn: 'Anna Andersson', gatuadress: 'Storgatan 12', postnummer: '852 30', ort: 'SUNDSVALL' });
  });

  it('fills in a protected person’s name but never an address', async () => {
    expect(await startDraft(SARA_SKYDDAD)).toEqual({ namn: 'Sara Nilsson' });
  });

  // Issue 17: the case worker sees who applied, by name from Navet; a protected person with the marker and no address.
  it("shows the handling unit the applicant's name and registered address, a protected person's name only; other units nothing", async () => {
    const submit = async (personnummer: string) =>
      (
        await ok(
          as({ sub: `citizen-${personnummer}`, realm_access: { roles: ['citizen'] }, personnummer }),
          'mutation($input: SubmitFormInput!) { submitForm(input: $input) { submissionId } }',
          { input: { formSlug: 'adressanmalan', data: {}, idempotencyKey: `applicant-${personnummer}` } },
        )
      ).submitForm.submissionId as string;
    const caseWorker = (unit: string) =>
      as({ sub: `sundsvall-${unit}`, realm_access: { roles: ['case_worker'] }, organization: ['sundsvall'], unit });
    const APPLICANT = `query($id: ID!) { formSubmissionApplicant(submissionId: $id) {
      kind identityNumber name address protectedIdentity register } }`;
    const applicant = async (id: string) => (await ok(caseWorker('samhallsbyggnad'), APPLICANT, { id })).formSubmissionApplicant;

    expect(await applicant(await submit(ANNA))).toEqual({
      kind: 'person',
      identityNumber: ANNA,
      name: 'Anna Andersson',
      address: ['Storgatan 12', '852 30 SUNDSVALL'],
      protectedIdentity: false,
      register: 'found',
    });
    const saras = await submit(SARA_SKYDDAD);
    expect(await applicant(saras)).toEqual({
      kind: 'person',
      identityNumber: SARA_SKYDDAD,
      name: 'Sara Nilsson',
      address: null,
      protectedIdentity: true,
      register: 'found',
    });
    const other = await api.graphql(APPLICANT, { 'x-kommuna-tenant': 'sundsvall', authorization: caseWorker('skola') }, { id: saras });
    expect(other.body.errors?.[0]?.extensions?.code).toBe('SUBMISSION_NOT_FOUND');
  });
});
