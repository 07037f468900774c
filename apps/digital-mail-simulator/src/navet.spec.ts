import { NAVET_CONTROL_PATH, NAVET_DEV_CLIENT, NAVET_TOKEN_PATH, NAVET_V3_PATH } from './navet';
import { RunningSimulator, startSimulator } from './simulator';

// The contract tests in libs/digital-mail (adapters/navet/navet.contract.spec.ts) check these answers
// against the v3 schema; this file checks the simulator's behaviour: tokens, headers, people, faults.
describe('digital-mail simulator: Navet v3', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(() => sim?.close());
  beforeEach(async () => {
    sim.reset();
    sim.configure({ failNextRequests: 0, noAddress: [] });
    await control({ unknown: [], rateLimitNext: 0, failNext: 0, failTokenNext: 0 });
  });

  const control = (change: Record<string, unknown>) =>
    fetch(`${sim.url}${NAVET_CONTROL_PATH}/control`, { method: 'POST', body: JSON.stringify(change) }).then((r) => r.json());

  const tokenRequest = (id: string, secret: string) =>
    fetch(`${sim.url}${NAVET_TOKEN_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });

  const accessToken = async () =>
    ((await (await tokenRequest(NAVET_DEV_CLIENT.clientId, NAVET_DEV_CLIENT.clientSecret)).json()) as any).access_token as string;

  const order = {
    organisationsnummer: NAVET_DEV_CLIENT.organisationsnummer,
    bestallningsidentitet: NAVET_DEV_CLIENT.bestallningsidentitet,
  };
  const hamta = async (ids: string[], overrides: { token?: string; headers?: Record<string, string>; body?: unknown } = {}) => {
    const token = overrides.token ?? (await accessToken());
    const response = await fetch(`${sim.url}${NAVET_V3_PATH}/hamta`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        client_id: NAVET_DEV_CLIENT.gatewayClientId,
        client_secret: NAVET_DEV_CLIENT.gatewayClientSecret,
        skv_client_correlation_id: 'c0ffee00-0000-4000-8000-000000000001',
        ...overrides.headers,
      },
      body: JSON.stringify(
        overrides.body ?? { bestallning: order, sokvillkor: ids.map((identitetsbeteckning) => ({ identitetsbeteckning })) },
      ),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const personpost = (answer: any, id: string) => answer.personposter.find((p: any) => p.identitet.identitetsbeteckning === id);

  it('issues a bearer token to a registered client and refuses a wrong secret with 401 invalid_client', async () => {
    const good = await tokenRequest(NAVET_DEV_CLIENT.clientId, NAVET_DEV_CLIENT.clientSecret);
    expect(good.status).toBe(200);
    expect(await good.json()).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 300 });
    const bad = await tokenRequest(NAVET_DEV_CLIENT.clientId, 'wrong');
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: 'invalid_client' });
  });

  it('answers the demo citizens as before: Anna and Erik registered, each with an address', async () => {
    const { status, body } = await hamta(['199001019802', '197110109878']);
    expect(status).toBe(200);
    expect(personpost(body, '199001019802')).toMatchObject({
      namn: { fornamn: 'Anna', efternamn: 'Andersson' },
      skyddAvPersonuppgifter: { sekretessmarkering: false, skyddadFolkbokforing: false },
      adresser: { folkbokforingsadress: { utdelningsadress2: 'Storgatan 12', postnummer: '85230', postort: 'SUNDSVALL' } },
      avregistrering: null,
    });
    expect(personpost(body, '197110109878').adresser.folkbokforingsadress).toMatchObject({ postort: 'TIMRÅ' });
    expect(body.felrapporter).toEqual([]);
  });

  it('marks protected people (a sekretessmarkering with its address, as Navet gives authorities; skyddad folkbokföring without); marks the deceased and the emigrated', async () => {
    const { body } = await hamta(['198507099805', '197608259813', '193910149800', '196811289815']);
    expect(personpost(body, '198507099805')).toMatchObject({
      skyddAvPersonuppgifter: { sekretessmarkering: false, skyddadFolkbokforing: true },
      adresser: { folkbokforingsadress: null },
    });
    expect(personpost(body, '197608259813')).toMatchObject({
      skyddAvPersonuppgifter: { sekretessmarkering: true, skyddadFolkbokforing: false },
      adresser: { folkbokforingsadress: { utdelningsadress2: 'Hemliga vägen 7' } },
    });
    expect(personpost(body, '193910149800').avregistrering).toEqual({ avregistreringsorsakKod: 'AV', avregistreringsdatum: '2025-11-02' });
    expect(personpost(body, '196811289815').avregistrering).toMatchObject({ avregistreringsorsakKod: 'UV' });
  });

  it('knows a samordningsnummer (day + 60), and any other valid number as an ordinary person', async () => {
    const other = '196502029884';
    const { body } = await hamta(['199102719805', other]);
    expect(personpost(body, '199102719805')).toMatchObject({
      namn: { fornamn: 'Maria' },
      adresser: { folkbokforingsadress: { careOf: 'Eva Johansson' } },
    });
    expect(personpost(body, other).adresser.folkbokforingsadress).toEqual(
      expect.objectContaining({ postnummer: expect.stringMatching(/^\d{5}$/) }),
    );
    // Deterministic: the same number is the same person next time.
    expect(personpost((await hamta([other])).body, other)).toEqual(personpost(body, other));
  });

  it('reports unknown and invalid numbers in felrapporter, and noAddress people without an address', async () => {
    await control({ unknown: ['195504039826'] });
    sim.configure({ noAddress: ['200803129899'] });
    const { body } = await hamta(['195504039826', '199001019801', '200803129899']);
    expect(body.felrapporter).toEqual([
      expect.objectContaining({ identitetsbeteckning: '195504039826', orsakskod: 'PERSON_SAKNAS' }),
      expect.objectContaining({ identitetsbeteckning: '199001019801', orsakskod: 'OGILTIG_IDENTITETSBETECKNING' }),
    ]);
    expect(body.personposter).toHaveLength(1);
    expect(personpost(body, '200803129899').adresser.folkbokforingsadress).toBeNull();
  });

  it('refuses a missing or unknown token, a wrong gateway client and a missing correlation id', async () => {
    expect((await hamta(['199001019802'], { token: 'not-a-token' })).status).toBe(401);
    expect((await hamta(['199001019802'], { headers: { client_secret: 'wrong' } })).status).toBe(401);
    expect((await hamta(['199001019802'], { headers: { skv_client_correlation_id: '' } })).status).toBe(400);
    expect((await hamta([], {})).status).toBe(400);
  });

  it('reports an order it does not know instead of looking anyone up', async () => {
    const { status, body } = await hamta([], {
      body: { bestallning: { ...order, bestallningsidentitet: 'someone-else' }, sokvillkor: [{ identitetsbeteckning: '199001019802' }] },
    });
    expect(status).toBe(200);
    expect(body).toEqual({ personposter: [], felrapporter: [expect.objectContaining({ orsakskod: 'OGILTIG_BESTALLNING' })] });
  });

  it('answers 429 and 503 as configured, and the shared failNextRequests too; records the lookups', async () => {
    await control({ rateLimitNext: 1, failNext: 1 });
    sim.configure({ failNextRequests: 1 });
    const token = await accessToken();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await hamta(['199001019802'], { token })).status);
    expect(statuses).toEqual([429, 503, 503, 200]);
    expect(sim.records().faultsInjected).toBe(1);
    expect(sim.records().addressLookups).toEqual([{ idCount: 1 }]);
    const records = (await (await fetch(`${sim.url}${NAVET_CONTROL_PATH}/records`)).json()) as any;
    expect(records.lookups).toEqual([expect.objectContaining({ correlationId: 'c0ffee00-0000-4000-8000-000000000001', status: 200 })]);
  });
});
