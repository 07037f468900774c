import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeProcess, startNodeProcess } from '@kommuna/platform-testing';
import { startTestApi, TestApi } from '../testing/test-api';

/**
 * Issue 25 item 3, end to end: a resident logged in with eID acts for a company in Mina sidor's
 * GraphQL, and whether she may is Mina ombud's signed answer (the national-party simulator as
 * its own process, trusting the id token key the api signs with). A forged answer gives nothing.
 */
const LENA = '196502029884';
const COMPANY = '556016-0680';

describe('Mina sidor company mode through Mina ombud (GraphQL)', () => {
  let api: TestApi;
  let simulator: NodeProcess;
  let simulatorUrl: string;
  const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mina-ombud-api-'));
  const saved = { url: process.env.DIGITAL_MAIL_SIMULATOR_URL, key: process.env.MINA_OMBUD_ID_TOKEN_KEY_FILE };
  let lena: Record<string, string>;
  let caseId: string;

  const gql = async (headers: Record<string, string>, query: string, variables?: Record<string, unknown>) =>
    (await api.graphql(query, headers, variables)).body;
  const control = (change: Record<string, unknown>) =>
    fetch(`${simulatorUrl}/mina-ombud/_control`, { method: 'POST', body: JSON.stringify(change) });

  beforeAll(async () => {
    const keyFile = path.join(keyDir, 'id-token-key.pem');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    fs.writeFileSync(keyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 });
    simulator = await startNodeProcess({
      script: 'apps/digital-mail-simulator/src/main.ts',
      args: ['--port=0'],
      env: { MINA_OMBUD_ID_TOKEN_KEY_FILE: keyFile },
      readyText: /ready on (http:\/\/\S+)/,
    });
    [, simulatorUrl] = await simulator.ready;
    // Mina sidor reads these when the api composes it, as on `npm start`.
    process.env.DIGITAL_MAIL_SIMULATOR_URL = simulatorUrl;
    process.env.MINA_OMBUD_ID_TOKEN_KEY_FILE = keyFile;
    api = await startTestApi();
    const sundsvallSystem = {
      authorization: `Bearer ${api.realm.token({ sub: 'sundsvall-system', realm_access: { roles: ['service_account'] }, organization: ['sundsvall'], azp: 'sundsvall-system' })}`,
      'x-kommuna-tenant': 'sundsvall',
    };
    const created = await gql(sundsvallSystem, 'mutation($input: CaseUpsertInput!) { upsertCase(input: $input) { caseId } }', {
      input: {
        source: 'procapita',
        externalCaseId: 'sbn-2025-0301',
        errandNumber: 'SBN-2025-0301',
        caseType: 'serveringstillstand',
        unit: 'tillstand',
        title: { sv: 'Serveringstillstånd', en: 'Alcohol licence' },
        subject: { organisationsnummer: COMPANY },
      },
    });
    expect(created.errors).toBeUndefined();
    caseId = created.data.upsertCase.caseId;
    lena = {
      authorization: `Bearer ${api.realm.token({ sub: 'lena', realm_access: { roles: ['company_representative'] }, personnummer: LENA })}`,
    };
  });

  afterAll(async () => {
    await api?.close();
    await simulator?.stop();
    fs.rmSync(keyDir, { recursive: true, force: true });
    process.env.DIGITAL_MAIL_SIMULATOR_URL = saved.url;
    process.env.MINA_OMBUD_ID_TOKEN_KEY_FILE = saved.key;
    if (saved.url === undefined) delete process.env.DIGITAL_MAIL_SIMULATOR_URL;
    if (saved.key === undefined) delete process.env.MINA_OMBUD_ID_TOKEN_KEY_FILE;
  });

  const COMPANY_CASES = 'query($org: String) { myCases(asOrganisation: $org) { nodes { id errandNumber municipality { slug } } } }';

  it('refuses a forged Mina ombud answer with REPRESENTATION_UNVERIFIED and shows nothing of the company', async () => {
    await control({ answerFault: 'tampered' });
    const body = await gql(lena, COMPANY_CASES, { org: COMPANY });
    expect(body.errors?.[0]?.extensions?.code).toBe('REPRESENTATION_UNVERIFIED');
    expect(JSON.stringify(body.data ?? null)).not.toContain('SBN-2025-0301');
    await control({ answerFault: 'none' });
  });

  it('lists the company and shows its Sundsvall case to the representative Mina ombud confirms', async () => {
    const organisations = await gql(lena, '{ myOrganisations { organisationsnummer name source validFrom municipality { slug } } }');
    expect(organisations.errors).toBeUndefined();
    expect(organisations.data.myOrganisations).toEqual([
      {
        organisationsnummer: COMPANY,
        name: 'Demobolaget AB',
        source: 'mina_ombud',
        validFrom: '2025-01-01T00:00:00.000Z',
        municipality: { slug: 'sundsvall' },
      },
    ]);
    const cases = await gql(lena, COMPANY_CASES, { org: COMPANY });
    expect(cases.errors).toBeUndefined();
    expect(cases.data.myCases.nodes).toEqual([{ id: caseId, errandNumber: 'SBN-2025-0301', municipality: { slug: 'sundsvall' } }]);
    // Anna has no power of attorney for the company: FORBIDDEN.
    const anna = {
      authorization: `Bearer ${api.realm.token({ sub: 'anna', realm_access: { roles: ['citizen'] }, personnummer: '199001019802' })}`,
    };
    expect((await gql(anna, COMPANY_CASES, { org: COMPANY })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("lets a resident act for another person through a private power of attorney: that person's cases in Timrå only", async () => {
    const system = (tenant: string) => ({
      authorization: `Bearer ${api.realm.token({ sub: `${tenant}-system`, realm_access: { roles: ['service_account'] }, organization: [tenant], azp: `${tenant}-system` })}`,
      'x-kommuna-tenant': tenant,
    });
    for (const tenant of ['timra', 'sundsvall']) {
      const made = await gql(system(tenant), 'mutation($input: CaseUpsertInput!) { upsertCase(input: $input) { caseId } }', {
        input: {
          source: 'procapita',
          externalCaseId: `erik-${tenant}`,
          errandNumber: `ERIK-${tenant.toUpperCase()}`,
          caseType: 'bistand',
          unit: 'socialtjanst',
          title: { sv: 'Ansökan', en: 'Application' },
          subject: { personnummer: '197110109878' },
        },
      });
      expect(made.errors).toBeUndefined();
    }
    const anna = {
      authorization: `Bearer ${api.realm.token({ sub: 'anna', realm_access: { roles: ['citizen'] }, personnummer: '199001019802' })}`,
    };
    const persons = await gql(anna, '{ myRepresentedPersons { principalPartyId name source municipality { slug } } }');
    expect(persons.errors).toBeUndefined();
    expect(persons.data.myRepresentedPersons).toEqual([
      { principalPartyId: expect.any(String), name: 'Erik Eriksson', source: 'mina_ombud', municipality: { slug: 'timra' } },
    ]);
    const erik = persons.data.myRepresentedPersons[0].principalPartyId;
    const cases = await gql(anna, 'query($p: String) { myCases(asPerson: $p) { nodes { errandNumber municipality { slug } } } }', {
      p: erik,
    });
    expect(cases.errors).toBeUndefined();
    expect(cases.data.myCases.nodes).toEqual([{ errandNumber: 'ERIK-TIMRA', municipality: { slug: 'timra' } }]);
    // Lena holds no power of attorney for Erik.
    expect(
      (await gql(lena, 'query($p: String) { myCases(asPerson: $p) { nodes { id } } }', { p: erik })).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
  });
});
