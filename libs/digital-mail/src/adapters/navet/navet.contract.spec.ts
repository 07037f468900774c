import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpPopulationRegister, navetConnectionOf, navetSimulatorConnection } from '../http-population-register';
import { AdapterConfigurationError, PermanentAdapterError, PersonRecord, TransientAdapterError } from '../types';
import { paperAddressOf, PROTECTED_IDENTITY_HELD } from '../../content/recipient';
import { FORWARDING_ADDRESS, NAVET_PEOPLE, SEKRETESS_ADDRESS } from '../../testing/navet-people';
import { SimulatorProcess, startSimulatorProcess } from '../../testing/simulator-process';
import { ClientCredentialsToken } from './access-token';
import { NavetClient, schemaProblems, validateNavetAnswer, validateNavetRequest } from './navet-client';
import { NAVET_MAX_IDS_PER_CALL } from './navet-v3.schema';
import { generateTestPersonnummer } from '@kommuna/shared-identifiers';

const { anna: ANNA, erik: ERIK, skyddad: SKYDDAD, sekretess: SEKRETESS, deceased: DECEASED, emigrated: EMIGRATED } = NAVET_PEOPLE;
const { samordningsnummer: SAMORDNINGSNUMMER } = NAVET_PEOPLE;
const FORWARDING = FORWARDING_ADDRESS;

interface NavetRecords {
  tokenRequests: number;
  lookups: Array<{ correlationId: string; body: unknown; status: number; answer: unknown }>;
}

describe('population register: Navet v3 adapter against the simulator (contract)', () => {
  let simulator: SimulatorProcess;
  beforeAll(async () => {
    simulator = await startSimulatorProcess();
  });
  afterAll(async () => {
    await simulator?.stop();
  });

  const navet = {
    control: async (change: Record<string, unknown>) => {
      const response = await fetch(`${simulator.url}/_navet/control`, { method: 'POST', body: JSON.stringify(change) });
      if (!response.ok) throw new Error(`navet control: ${response.status}`);
    },
    records: async () => (await (await fetch(`${simulator.url}/_navet/records`)).json()) as NavetRecords,
  };
  beforeEach(async () => {
    await simulator.reset();
    await simulator.configure({ noAddress: [], failNextRequests: 0, transientFaultRate: 0 });
    await navet.control({ unknown: [], rateLimitNext: 0, failNext: 0, failTokenNext: 0 });
  });

  const register = (options: Partial<ConstructorParameters<typeof HttpPopulationRegister>[0]> = {}) =>
    new HttpPopulationRegister({ baseUrl: simulator.url, timeoutMs: 5000, ...options });

  /** Every request we sent and every answer the simulator gave since the last reset, checked against the v3 schemas. */
  async function expectAllExchangesInContract(minimum = 1): Promise<NavetRecords['lookups']> {
    const { lookups } = await navet.records();
    expect(lookups.length).toBeGreaterThanOrEqual(minimum);
    for (const lookup of lookups) {
      expect(validateNavetRequest(lookup.body) ? 'valid' : schemaProblems(validateNavetRequest.errors)).toBe('valid');
      if (lookup.status === 200)
        expect(validateNavetAnswer(lookup.answer) ? 'valid' : schemaProblems(validateNavetAnswer.errors)).toBe('valid');
    }
    return lookups;
  }

  it('sends the order and the search terms in the v3 shape, and the simulator answers every seeded case in it', async () => {
    const people = await register().lookupPeople([ANNA, ERIK, SKYDDAD, SEKRETESS, DECEASED, EMIGRATED, SAMORDNINGSNUMMER]);
    const [lookup] = await expectAllExchangesInContract(1);
    expect(lookup.body).toEqual({
      bestallning: { organisationsnummer: '2021004748', bestallningsidentitet: 'kommuna-utveckling' },
      sokvillkor: [ANNA, ERIK, SKYDDAD, SEKRETESS, DECEASED, EMIGRATED, SAMORDNINGSNUMMER].map((identitetsbeteckning) => ({
        identitetsbeteckning,
      })),
    });
    expect(people.get(ANNA)).toEqual({
      identityNumber: ANNA,
      status: 'ACTIVE',
      protection: 'NONE',
      name: { givenName: 'Anna', familyName: 'Andersson' },
      address: { name: 'Anna Andersson', careOf: null, street: 'Storgatan 12', postalCode: '852 30', city: 'SUNDSVALL' },
    });
    expect(people.get(SKYDDAD)).toMatchObject({ protection: 'SKYDDAD_FOLKBOKFORING', address: null, status: 'ACTIVE' });
    // Navet answers Johan's address with the marking; the adapter drops it on arrival.
    expect((await navet.records()).lookups[0].answer).toMatchObject({
      personposter: expect.arrayContaining([
        expect.objectContaining({ adresser: { folkbokforingsadress: expect.objectContaining({ utdelningsadress2: SEKRETESS_ADDRESS }) } }),
      ]),
    });
    expect(people.get(SEKRETESS)).toMatchObject({ protection: 'SEKRETESSMARKERING', address: null });
    expect(JSON.stringify([...people.values()])).not.toContain(SEKRETESS_ADDRESS);
    expect(people.get(DECEASED)).toMatchObject({ status: 'DECEASED' });
    expect(people.get(EMIGRATED)).toMatchObject({ status: 'EMIGRATED' });
    expect(people.get(SAMORDNINGSNUMMER)?.address).toMatchObject({ careOf: 'Eva Johansson', city: 'HÄRNÖSAND' });
  });

  it('gets one token for many lookups, and a fresh correlation id for each call', async () => {
    const population = register();
    await population.lookupPeople([ANNA]);
    await population.lookupPeople([ERIK]);
    await population.lookupPeople([SAMORDNINGSNUMMER]);
    const records = await navet.records();
    expect(records.tokenRequests).toBe(1);
    const ids = records.lookups.map((l) => l.correlationId);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('keeps the token until shortly before it expires, then gets a new one; concurrent callers share one request', async () => {
    let clock = 1_000_000;
    const connection = navetSimulatorConnection(simulator.url);
    const token = new ClientCredentialsToken(
      { tokenUrl: connection.tokenUrl, clientId: connection.clientId, clientSecret: connection.clientSecret },
      'Navet',
      () => clock,
    );
    const [first, same] = await Promise.all([token.get(), token.get()]);
    expect(same).toBe(first);
    clock += 269_000; // the simulator's tokens live 300 s; renewed 30 s before
    expect(await token.get()).toBe(first);
    expect((await navet.records()).tokenRequests).toBe(1);
    clock += 2_000;
    expect(await token.get()).not.toBe(first);
    expect((await navet.records()).tokenRequests).toBe(2);
  });

  it(`splits a lookup of more than ${NAVET_MAX_IDS_PER_CALL} people into calls the contract allows`, async () => {
    const ids = Array.from({ length: 1000 }, (_v, i) => generateTestPersonnummer(i));
    const people = await register().lookupPeople(ids);
    expect(people.size).toBe(1000);
    expect((await simulator.records()).addressLookups).toEqual([
      { idCount: NAVET_MAX_IDS_PER_CALL },
      { idCount: 1000 - NAVET_MAX_IDS_PER_CALL },
    ]);
    await expectAllExchangesInContract(2);
  });

  it('reports a number with a wrong check digit as NOT_FOUND, the other people of the call unharmed', async () => {
    const people = await register().lookupPeople(['199001019801', ANNA]);
    expect(people.get('199001019801')).toMatchObject({ status: 'NOT_FOUND' });
    expect(people.get(ANNA)).toMatchObject({ status: 'ACTIVE' });
    const [lookup] = await expectAllExchangesInContract(1);
    expect(lookup.answer).toMatchObject({
      felrapporter: [{ identitetsbeteckning: '199001019801', orsakskod: 'OGILTIG_IDENTITETSBETECKNING' }],
    });
  });

  it('reports an unknown person as NOT_FOUND and a person without an address with none', async () => {
    const unknown = generateTestPersonnummer(7);
    const homeless = generateTestPersonnummer(8);
    await navet.control({ unknown: [unknown] });
    await simulator.configure({ noAddress: [homeless] });
    const population = register();
    const people = await population.lookupPeople([unknown, homeless]);
    expect(people.get(unknown)).toMatchObject({ status: 'NOT_FOUND', address: null });
    expect(people.get(homeless)).toMatchObject({ status: 'ACTIVE', address: null });
    const addresses = await population.lookupAddresses([unknown, homeless]);
    expect(addresses.get(unknown)).toEqual({ withheld: expect.stringContaining('does not know the recipient') });
    expect(addresses.get(homeless)).toBeNull();
    await expectAllExchangesInContract(2);
  });

  it('asks Navet about people only: an organisation gets no paper address, and the reason', async () => {
    const population = register();
    const addresses = await population.lookupAddresses(['212000-2411', ANNA]);
    expect(addresses.get('212000-2411')).toEqual({ withheld: expect.stringContaining('holds people, not organisations') });
    expect(addresses.get(ANNA)).toMatchObject({ street: 'Storgatan 12' });
    expect((await population.lookupPeople(['212000-2411'])).get('212000-2411')).toMatchObject({ status: 'NOT_FOUND' });
    const lookups = await expectAllExchangesInContract(1);
    expect(lookups.map((l) => (l.body as { sokvillkor: unknown[] }).sokvillkor)).toEqual([[{ identitetsbeteckning: ANNA }]]);
  });

  describe('paper addresses for protected, deceased and emigrated people', () => {
    it('holds letters to protected identities by default: a marker, no address', async () => {
      const addresses = await register().lookupAddresses([SKYDDAD, SEKRETESS, ANNA]);
      for (const id of [SKYDDAD, SEKRETESS])
        expect(addresses.get(id)).toEqual({ withheld: expect.stringContaining('protected personal data') });
      expect(addresses.get(ANNA)).toMatchObject({ street: 'Storgatan 12' });
      expect(JSON.stringify([...addresses.values()])).not.toContain(SEKRETESS_ADDRESS);
    });

    it('sends them to Skatteverket for forwarding when the tenant says so, named by name and identity number', async () => {
      const addresses = await register({
        routing: { protectedIdentityLetters: 'via-skatteverket-forwarding', skatteverketForwardingAddress: FORWARDING },
      }).lookupAddresses([SKYDDAD, SEKRETESS]);
      expect(addresses.get(SKYDDAD)).toEqual({ ...FORWARDING, name: 'Sara Nilsson, 19850709-9805' });
      expect(addresses.get(SEKRETESS)).toEqual({ ...FORWARDING, name: 'Johan Larsson, 19760825-9813' });
    });

    it('never uses a protected person’s address, even one that reached it', () => {
      const person: PersonRecord = {
        identityNumber: SEKRETESS,
        status: 'ACTIVE',
        protection: 'SEKRETESSMARKERING',
        name: { givenName: 'Johan', familyName: 'Larsson' },
        address: { name: 'Johan Larsson', street: SEKRETESS_ADDRESS, postalCode: '852 31', city: 'SUNDSVALL' },
      };
      expect(paperAddressOf(person, { protectedIdentityLetters: 'hold' })).toEqual({ withheld: PROTECTED_IDENTITY_HELD });
      const forwarded = paperAddressOf(person, {
        protectedIdentityLetters: 'via-skatteverket-forwarding',
        skatteverketForwardingAddress: FORWARDING,
      });
      expect(forwarded).toEqual({ ...FORWARDING, name: 'Johan Larsson, 19760825-9813' });
    });

    it('sends no paper letter to the deceased or the emigrated, and says why', async () => {
      const addresses = await register().lookupAddresses([DECEASED, EMIGRATED]);
      expect(addresses.get(DECEASED)).toEqual({ withheld: expect.stringMatching(/deceased/) });
      expect(addresses.get(EMIGRATED)).toEqual({ withheld: expect.stringMatching(/emigrated/) });
    });
  });

  describe('faults', () => {
    it('a refused client secret at the token endpoint (401) is a configuration error, not retried', async () => {
      const population = register({ navet: () => ({ ...navetSimulatorConnection(simulator.url), clientSecret: 'wrong' }) });
      const error = await population.lookupPeople([ANNA]).catch((e: Error) => e);
      expect(error).toBeInstanceOf(AdapterConfigurationError);
      expect((error as Error).message).toMatch(/token endpoint refused our client credentials \(401 invalid_client\)/);
      expect((await navet.records()).lookups).toEqual([]);
    });

    it('a refused gateway client (401 on hamta) is a configuration error after one try with a new token', async () => {
      const population = register({ navet: () => ({ ...navetSimulatorConnection(simulator.url), gatewayClientSecret: 'wrong' }) });
      const error = await population.lookupPeople([ANNA]).catch((e: Error) => e);
      expect(error).toBeInstanceOf(AdapterConfigurationError);
      expect((error as Error).message).toMatch(/refused our credentials \(401\)/);
      expect((await navet.records()).tokenRequests).toBe(2);
    });

    it('an order Skatteverket does not know is a configuration error', async () => {
      const population = register({ navet: () => ({ ...navetSimulatorConnection(simulator.url), bestallningsidentitet: 'someone-else' }) });
      await expect(population.lookupPeople([ANNA])).rejects.toThrow(AdapterConfigurationError);
      await expectAllExchangesInContract(1);
    });

    it('429, 503 and a failing token endpoint are transient', async () => {
      const population = register();
      await navet.control({ rateLimitNext: 1, failNext: 1, failTokenNext: 1 });
      await expect(population.lookupPeople([ANNA])).rejects.toThrow(
        new TransientAdapterError('Population register (Navet) token endpoint answered 503'),
      );
      await expect(population.lookupPeople([ANNA])).rejects.toThrow(new TransientAdapterError('Population register (Navet) answered 429'));
      await expect(population.lookupPeople([ANNA])).rejects.toThrow(new TransientAdapterError('Population register (Navet) answered 503'));
      await expect(population.lookupPeople([ANNA])).resolves.toHaveProperty('size', 1);
    });

    describe('against a register that misbehaves', () => {
      let server: Server;
      let answer: (path: string) => [number, unknown] | 'hang';
      let url: string;
      beforeAll(async () => {
        server = createServer((req, res) => {
          const reply = answer(req.url ?? '/');
          if (reply === 'hang') return;
          res.writeHead(reply[0], { 'content-type': 'application/json' });
          res.end(JSON.stringify(reply[1]));
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      });
      afterAll(async () => {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      });
      const client = (timeoutMs = 2000) => new NavetClient({ ...navetSimulatorConnection(url), timeoutMs });
      const token: [number, unknown] = [200, { access_token: 't', token_type: 'Bearer', expires_in: 300 }];

      it('an answer outside the v3 contract is refused before any field is read, without repeating its content', async () => {
        answer = (path) => (path.includes('token') ? token : [200, { personposter: [{ identitet: { identitetsbeteckning: ANNA } }] }]);
        const error = await client()
          .lookupPeople([ANNA])
          .catch((e: Error) => e);
        expect(error).toBeInstanceOf(PermanentAdapterError);
        expect((error as Error).message).toMatch(
          /outside the v3 contract.*\/personposter\/0 must have required property 'skyddAvPersonuppgifter'/,
        );
        expect((error as Error).message).not.toContain(ANNA);
      });

      it('an answer about someone not asked for is refused', async () => {
        answer = (path) =>
          path.includes('token')
            ? token
            : [
                200,
                {
                  personposter: [
                    {
                      identitet: { identitetsbeteckning: ERIK },
                      skyddAvPersonuppgifter: { sekretessmarkering: false, skyddadFolkbokforing: false },
                    },
                  ],
                },
              ];
        await expect(client().lookupPeople([ANNA])).rejects.toThrow(/not asked for/);
      });

      it('a register that does not answer in time is transient', async () => {
        answer = (path) => (path.includes('token') ? token : 'hang');
        await expect(client(300).lookupPeople([ANNA])).rejects.toThrow(TransientAdapterError);
      });

      it('a token answer without a bearer token is refused', async () => {
        answer = () => [200, { token_type: 'Bearer' }];
        await expect(client().lookupPeople([ANNA])).rejects.toThrow(/without a bearer token/);
      });
    });
  });

  describe('configuration from tenant.yaml', () => {
    const endpoint = {
      url: 'https://api.example.se/folkbokforing/folkbokforingsuppgifter-for-offentliga-aktorer/v3',
      tokenUrl: 'https://api.example.se/oauth2/token',
      organisationsnummer: '212000-2411',
      bestallningsidentitet: 'order-1',
      credentials: {
        clientIdEnv: 'NAVET_ID',
        clientSecretEnv: 'NAVET_SECRET',
        gatewayClientIdEnv: 'GW_ID',
        gatewayClientSecretEnv: 'GW_SECRET',
      },
    };

    it('reads the secrets from the environment variables tenant.yaml names', () => {
      const connection = navetConnectionOf(endpoint, { NAVET_ID: 'a', NAVET_SECRET: 'b', GW_ID: 'c', GW_SECRET: 'd' });
      expect(connection).toMatchObject({
        clientId: 'a',
        clientSecret: 'b',
        gatewayClientId: 'c',
        gatewayClientSecret: 'd',
        organisationsnummer: '212000-2411',
      });
    });

    it('names a missing variable, and the lookup fails with it (a status, not a crashed worker)', async () => {
      expect(() => navetConnectionOf(endpoint, { NAVET_ID: 'a' })).toThrow(
        new AdapterConfigurationError(
          'Population register (Navet): the environment variable NAVET_SECRET that tenant.yaml names is not set',
        ),
      );
      const population = new HttpPopulationRegister({ baseUrl: simulator.url, navet: () => navetConnectionOf(endpoint, {}) });
      await expect(population.lookupAddresses([ANNA])).rejects.toThrow(AdapterConfigurationError);
    });
  });
});
