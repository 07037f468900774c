import { useTestDatabase } from '@kommuna/platform-testing';
import {
  MemoryRepresentationCache,
  Minasidor,
  NotRepresentedError,
  RedisRepresentationCache,
  RepresentationUnverifiedError,
} from './index';
// A namespace import: each schema is also the name of its type, which swc would otherwise elide.
import * as contract from './mina-ombud/contract';
import { MinaOmbudSimulatorProcess, startMinaOmbudSimulator } from './testing/mina-ombud-simulator';
import { caseInput, createWorld, inTenant, SCHEMA, World } from './testing/fixture';

/**
 * Company mode and acting for another person read Bolagsverket's Mina ombud (issue 25 item 3),
 * here the simulator as its own process: signed answers, a JWKS, the token endpoint. The demo
 * powers of attorney: Lena (196502029884) for Demobolaget AB (556016-0680) towards Sundsvall
 * only; Anna (199001019802) for Erik (197110109878) towards Timrå only.
 */
const LENA = '196502029884';
const ANNA = '199001019802';
const ERIK = '197110109878';
const COMPANY = '556016-0680';

describe('representation through Mina ombud', () => {
  const db = useTestDatabase(SCHEMA);
  let simulator: MinaOmbudSimulatorProcess;
  let w: World;
  const cases: Record<'sundsvall' | 'timra', string> = { sundsvall: '', timra: '' };

  /** A Mina sidor of its own (and so its own answer cache) on the shared database and simulator. */
  const minasidorWith = async (options: { timeoutMs?: number; cache?: MemoryRepresentationCache } = {}): Promise<Minasidor> =>
    (
      await createWorld(db(), {
        environment: { simulatorUrl: simulator.url, idTokenKeyFile: simulator.idTokenKeyFile, variables: {}, timeoutMs: options.timeoutMs },
        cache: options.cache,
      })
    ).minasidor;
  const party = (personnummer: string) => w.parties.partyIdFor('person', personnummer);

  beforeAll(async () => {
    simulator = await startMinaOmbudSimulator();
    w = await createWorld(db(), { environment: { simulatorUrl: simulator.url, idTokenKeyFile: simulator.idTokenKeyFile, variables: {} } });
    const company = { organisationsnummer: COMPANY };
    cases.sundsvall = (await inTenant(w.sundsvall, () => w.minasidor.intake.upsertCase(caseInput(company, { unit: 'tillstand' })))).caseId;
    cases.timra = (await inTenant(w.timra, () => w.minasidor.intake.upsertCase(caseInput(company, { unit: 'tillstand' })))).caseId;
  });
  afterAll(() => simulator?.stop());
  beforeEach(() => simulator.configure({ answerFault: 'none', failNextRequests: 0, latencyMs: 0 }));

  it("acts for a company through Mina ombud: the company's cases from the municipality where the power of attorney holds, and no other", async () => {
    const lena = await party(LENA);
    const asCompany = await w.minasidor.citizens.myCases(lena, { asOrganisation: COMPANY });
    expect(asCompany.cases.map((c) => [c.id, c.subjectKind, c.municipality.slug])).toEqual([
      [cases.sundsvall, 'organisation', 'sundsvall'],
    ]);
    await expect(w.minasidor.citizens.myCase(lena, cases.timra, COMPANY)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Her own cases are not the company's.
    expect((await w.minasidor.citizens.myCases(lena)).cases).toEqual([]);

    const [organisation, ...more] = await w.minasidor.representations.currentFor(lena);
    expect(more).toEqual([]);
    expect(organisation).toMatchObject({
      organisationsnummer: COMPANY,
      name: 'Demobolaget AB',
      source: 'mina_ombud',
      municipality: { slug: 'sundsvall' },
      validFrom: new Date('2025-01-01T00:00:00Z'),
      validTo: null,
    });
    expect((await w.minasidor.citizens.myCase(lena, cases.sundsvall, organisation.organisationPartyId)).id).toBe(cases.sundsvall);

    // Contract: every request the client sent is of the published shape (strict: no attribute the
    // API does not define), carried X-Service-Name and an id token the service verified as Lena's
    // (200), and named the municipality as third party; both searches were used.
    const searches = (await simulator.records()).searches;
    expect(new Set(searches.map((s) => s.path))).toEqual(new Set(['/sok/behorigheter', '/sok/fullmakter']));
    for (const search of searches) {
      const shape = search.path === '/sok/behorigheter' ? contract.HamtaBehorigheterRequest : contract.HamtaFullmakterRequest;
      expect({ path: search.path, problems: shape.safeParse(search.body).error?.issues ?? [] }).toEqual({
        path: search.path,
        problems: [],
      });
      expect([search.status, search.holder, search.serviceName]).toEqual([200, LENA, 'kommuna-minasidor']);
    }
    expect(new Set(searches.flatMap((s) => s.tredjeman))).toEqual(new Set(['2120002411', '2120002395']));

    // Anna holds no power of attorney for the company anywhere: FORBIDDEN, as before.
    await expect(w.minasidor.citizens.myCases(await party(ANNA), { asOrganisation: COMPANY })).rejects.toBeInstanceOf(NotRepresentedError);
  });

  it('acts for another person through a private power of attorney, towards its municipality only', async () => {
    const anna = await party(ANNA);
    const erik = await party(ERIK);
    const erikInTimra = (await inTenant(w.timra, () => w.minasidor.intake.upsertCase(caseInput({ personnummer: ERIK })))).caseId;
    const erikInSundsvall = (await inTenant(w.sundsvall, () => w.minasidor.intake.upsertCase(caseInput({ personnummer: ERIK })))).caseId;
    expect(await w.minasidor.representations.representedPerson(anna, erik)).toEqual({ partyId: erik, tenantIds: [w.timra.id] });
    expect(await w.minasidor.representations.currentPersonsFor(anna)).toEqual([
      expect.objectContaining({
        principalPartyId: erik,
        name: 'Erik Eriksson',
        source: 'mina_ombud',
        municipality: expect.objectContaining({ slug: 'timra' }),
      }),
    ]);
    // Erik is shown by name and party id: his personnummer never leaves the service.
    expect(JSON.stringify(await w.minasidor.representations.currentPersonsFor(anna))).not.toContain(ERIK);
    // Erik's Timrå case, not his Sundsvall one; and Anna's reply is recorded as hers.
    expect((await w.minasidor.citizens.myCases(anna, { asPerson: erik })).cases.map((c) => c.id)).toEqual([erikInTimra]);
    await expect(w.minasidor.citizens.myCase(anna, erikInSundsvall, { asPerson: erik })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const replied = await w.minasidor.citizens.reply(anna, erikInTimra, 'Jag skriver för Erik.', { asPerson: erik });
    expect(replied.messages.map((m) => [m.author, m.body])).toEqual([['citizen', 'Jag skriver för Erik.']]);
    await expect(w.minasidor.citizens.myCases(anna, { asPerson: erik, asOrganisation: COMPANY })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    // The power of attorney is Anna's for Erik, not the other way round.
    await expect(w.minasidor.representations.representedPerson(erik, anna)).rejects.toBeInstanceOf(NotRepresentedError);
    expect(await w.minasidor.representations.currentPersonsFor(erik)).toEqual([]);
  });

  it.each([
    ['tampered', 'signature_invalid'],
    ['unknown_key', 'unknown_key'],
    ['stale', 'expired'],
    ['other_holder', 'invalid_answer'],
  ])('refuses an answer that is %s (%s): never "may act", and nothing kept', async (answerFault, reason) => {
    await simulator.configure({ answerFault });
    const minasidor = await minasidorWith();
    const lena = await party(LENA);
    const refused = minasidor.citizens.myCases(lena, { asOrganisation: COMPANY });
    await expect(refused).rejects.toBeInstanceOf(RepresentationUnverifiedError);
    await expect(refused).rejects.toMatchObject({ code: 'REPRESENTATION_UNVERIFIED', reason });
    // Once the service answers properly again, the same Mina sidor asks again (the failure was not cached).
    await simulator.configure({ answerFault: 'none' });
    expect((await minasidor.citizens.myCases(lena, { asOrganisation: COMPANY })).cases.map((c) => c.id)).toEqual([cases.sundsvall]);
  });

  it('answers REPRESENTATION_UNVERIFIED when Mina ombud is down or too slow', async () => {
    const lena = await party(LENA);
    await simulator.configure({ failNextRequests: 100 });
    await expect((await minasidorWith()).citizens.myCases(lena, { asOrganisation: COMPANY })).rejects.toMatchObject({
      code: 'REPRESENTATION_UNVERIFIED',
      reason: 'unavailable',
    });
    await simulator.configure({ failNextRequests: 0, latencyMs: 1500 });
    await expect((await minasidorWith({ timeoutMs: 300 })).citizens.myCases(lena, { asOrganisation: COMPANY })).rejects.toMatchObject({
      code: 'REPRESENTATION_UNVERIFIED',
      reason: 'timeout',
    });
  });

  it("keeps verified answers per municipality: Sundsvall's cached yes never serves Timrå, and answers are reused only briefly", async () => {
    const cache = new MemoryRepresentationCache();
    const minasidor = await minasidorWith({ cache });
    const lena = await party(LENA);
    await simulator.reset();
    expect((await minasidor.citizens.myCases(lena, { asOrganisation: COMPANY })).cases.map((c) => c.id)).toEqual([cases.sundsvall]);
    expect((await simulator.records()).searches.length).toBe(2); // one per municipality
    // The list of companies is other searches, under the access tokens already issued (one per municipality's client).
    expect((await minasidor.representations.currentFor(lena)).map((r) => r.municipality.slug)).toEqual(['sundsvall']);
    const records = await simulator.records();
    expect(records.searches.length).toBeGreaterThan(2);
    expect(records.tokenRequests).toBe(2);
    const asked = records.searches.length;

    // From now on every fresh answer would be forged: what is served comes from the cache alone.
    await simulator.configure({ answerFault: 'tampered' });
    const again = await minasidor.citizens.myCases(lena, { asOrganisation: COMPANY });
    expect(again.cases.map((c) => c.id)).toEqual([cases.sundsvall]);
    await expect(minasidor.citizens.myCase(lena, cases.timra, COMPANY)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await simulator.records()).searches.length).toBe(asked);
    // The cache's keys are the municipality's tenant id, the person's and the company's party ids: no identity number.
    const company = await w.parties.partyIdFor('organisation', '5560160680');
    expect(await cache.get(`${w.sundsvall.id}:${lena}:orgnr:${company}`)).toBe('yes');
    expect(await cache.get(`${w.timra.id}:${lena}:orgnr:${company}`)).toBe('no');
  });

  it('shares verified answers between replicas through Redis, with their time to live', async () => {
    const redis = new RedisRepresentationCache(process.env.KOMMUNA_REDIS_URL ?? 'redis://127.0.0.1:6379', `kommuna:test:${Date.now()}:`);
    try {
      await redis.set('tenant-a:person:org:x', 'yes', 2);
      expect(await redis.get('tenant-a:person:org:x')).toBe('yes');
      expect(await redis.get('tenant-b:person:org:x')).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 2200));
      expect(await redis.get('tenant-a:person:org:x')).toBeUndefined();
    } finally {
      await redis.close();
    }
  });
});
