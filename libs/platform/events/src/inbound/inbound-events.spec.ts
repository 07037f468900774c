import { randomBytes, randomUUID } from 'node:crypto';
import { CloudEvent, HTTP } from 'cloudevents';
import { connect, headers as natsHeaders, NatsConnection } from 'nats';
import { DatabaseSchema, PartyRegister, PLATFORM_DATABASE_SCHEMA, Tenant } from '@kommuna/platform-persistence';
import { createTestTenants, inTenant, testPersonnummer, useTestDatabase } from '@kommuna/platform-testing';
import { EVENT_TYPES, InboundEventAcceptedData } from '@kommuna/shared-service-contracts';
import { TENANT_EXTENSION } from '../cloud-event';
import { inboundSubject, INBOUND_STREAM } from '../nats-subjects';
import { InboundEventRefusedError } from './errors';
import { InboundEvents } from './inbound-events';
import { CLOUDEVENTS_BATCH_JSON, cloudEventsOfMessage, MAX_INBOUND_BATCH } from './messages';
import { NatsInboundConsumer } from './nats-inbound';
import { InboundEventTypes } from './registry';
import { INBOUND_EVENTS_DATABASE_SCHEMA } from './schema';

const SCHEMA: DatabaseSchema = {
  entities: [...(PLATFORM_DATABASE_SCHEMA.entities as []), ...(INBOUND_EVENTS_DATABASE_SCHEMA.entities as [])],
  migrations: [...PLATFORM_DATABASE_SCHEMA.migrations, ...INBOUND_EVENTS_DATABASE_SCHEMA.migrations],
};
const POLLEN = 'se.kommuna.sensor.pollen.level-measured.v1';
const AGE = 'se.kommuna.population.resident.age-reached.v1';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

const reading = (level = 4, area = 'Haga') => ({ station: 'S-12', area, pollen: 'björk', level, measuredAt: '2026-05-02T06:00:00Z' });
const pollenEvent = (extra: Record<string, unknown> = {}) =>
  new CloudEvent<unknown>({ id: randomUUID(), source: '/sensors/pollen/S-12', type: POLLEN, data: reading(), ...extra });

/** Refusal code and problems of a call expected to be refused. */
async function refusal(
  work: Promise<unknown>,
): Promise<{ code: string; status: number; problems: Array<{ index: number; code: string }> }> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof InboundEventRefusedError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return { code: error.code, status: error.status, problems: error.details.problems.map(({ index, code }) => ({ index, code })) };
}

describe('events in', () => {
  const db = useTestDatabase(SCHEMA);
  const run = randomBytes(4).toString('hex');
  let sundsvall: Tenant;
  let timra: Tenant;
  let inbound: InboundEvents;
  beforeAll(async () => {
    [sundsvall, timra] = await createTestTenants(db(), { slug: `sundsvall-${run}` }, { slug: `timra-${run}` });
    const slugs = new Map([sundsvall, timra].map((t) => [t.id, t.slug]));
    inbound = new InboundEvents(db(), new PartyRegister(db()), new InboundEventTypes(db()), (id) => slugs.get(id));
  });

  const fromSensor = { via: 'http' as const, from: 'sensors' };
  const stored = (tenant: Tenant) =>
    inTenant(tenant, () =>
      db().transaction((em) => em.query(`SELECT source, event_id, type, data FROM inbound_event ORDER BY received_at`)),
    );
  const announced = (tenant: Tenant) =>
    inTenant(tenant, () =>
      db().transaction(
        async (em) =>
          (await em.query(`SELECT data FROM outbox_event WHERE type = $1`, [EVENT_TYPES.inboundEventAccepted])) as Array<{
            data: InboundEventAcceptedData;
          }>,
      ),
    );

  it('parses binary, structured and batch mode with the SDK and stores each event once, announcing it in the outbox', async () => {
    const binary = pollenEvent();
    const structured = pollenEvent();
    const batch = [pollenEvent(), pollenEvent()];
    const parse = (message: { headers: Record<string, unknown>; body: unknown }) =>
      cloudEventsOfMessage(
        Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k.toLowerCase(), String(v)])),
        String(message.body),
      );
    const events = [
      ...parse(HTTP.binary(binary)),
      ...parse(HTTP.structured(structured)),
      ...parse({ headers: { 'content-type': CLOUDEVENTS_BATCH_JSON }, body: JSON.stringify(batch) }),
    ];
    expect(events.map((e) => e.id)).toEqual([binary.id, structured.id, ...batch.map((e) => e.id)]);

    const accepted = await inTenant(sundsvall, () => inbound.accept(events, fromSensor));
    expect(accepted.map((a) => [a.id, a.duplicate])).toEqual(events.map((e) => [e.id, false]));
    expect((await stored(sundsvall)).map((r: { event_id: string }) => r.event_id)).toEqual(events.map((e) => e.id));
    const outbox = await announced(sundsvall);
    expect(outbox.map((o) => o.data.id).sort()).toEqual(events.map((e) => e.id).sort());
    expect(outbox[0].data).toMatchObject({ type: POLLEN, source: '/sensors/pollen/S-12', data: reading() });

    // The same events again (a sender's retry): recognised, nothing stored or announced twice.
    const again = await inTenant(sundsvall, () => inbound.accept(events, fromSensor));
    expect(again.map((a) => [a.inboundEventId, a.duplicate])).toEqual(accepted.map((a) => [a.inboundEventId, true]));
    expect(await stored(sundsvall)).toHaveLength(4);
    expect(await announced(sundsvall)).toHaveLength(4);
  });

  it('refuses other content under a source and id it already has (replayed or forged), storing nothing of the batch', async () => {
    const first = pollenEvent();
    await inTenant(timra, () => inbound.accept([first], fromSensor));
    const forged = new CloudEvent<unknown>({ ...first, data: reading(0) });
    const fresh = pollenEvent();
    expect(await refusal(inTenant(timra, () => inbound.accept([fresh, forged], fromSensor)))).toEqual({
      code: 'INBOUND_EVENT_ID_CONFLICT',
      status: 409,
      problems: [{ index: 1, code: 'INBOUND_EVENT_ID_CONFLICT' }],
    });
    expect((await stored(timra)).map((r: { event_id: string }) => r.event_id)).toEqual([first.id]);
  });

  it('refuses a whole batch for one bad event, naming each problem: unknown type, bad data, another municipality', async () => {
    const before = (await stored(sundsvall)).length;
    const batch = [
      pollenEvent(),
      pollenEvent({ type: 'se.sundsvall.unknown.thing.v1' }),
      pollenEvent({ data: { ...reading(), level: 9 } }),
      pollenEvent({ [TENANT_EXTENSION]: timra.slug }),
      pollenEvent({ data: { ...reading(), personnummer: testPersonnummer(1) } }),
    ];
    const refused = await refusal(inTenant(sundsvall, () => inbound.accept(batch, fromSensor)));
    expect(refused.problems).toEqual([
      { index: 1, code: 'INBOUND_EVENT_TYPE_UNKNOWN' },
      { index: 2, code: 'INBOUND_EVENT_INVALID' },
      { index: 3, code: 'INBOUND_EVENT_WRONG_MUNICIPALITY' },
      { index: 4, code: 'INBOUND_EVENT_INVALID' },
    ]);
    expect(refused.code).toBe('INBOUND_EVENT_TYPE_UNKNOWN');
    expect(await stored(sundsvall)).toHaveLength(before);
    // Its own slug in the extension attribute is fine.
    await expect(
      inTenant(sundsvall, () => inbound.accept([pollenEvent({ [TENANT_EXTENSION]: sundsvall.slug })], fromSensor)),
    ).resolves.toHaveLength(1);
  });

  it('refuses what is not a CloudEvent, an oversized batch and data that is not a JSON object', async () => {
    expect(
      await refusal(Promise.resolve().then(() => cloudEventsOfMessage({ 'content-type': 'application/json' }, '{"a":1}'))),
    ).toMatchObject({
      code: 'INBOUND_EVENT_MALFORMED',
      status: 400,
    });
    expect(
      await refusal(
        Promise.resolve().then(() =>
          cloudEventsOfMessage(
            { 'content-type': CLOUDEVENTS_BATCH_JSON },
            JSON.stringify([{ ...pollenEvent() }, { id: 'x', type: POLLEN }]),
          ),
        ),
      ),
    ).toEqual({ code: 'INBOUND_EVENT_MALFORMED', status: 400, problems: [{ index: 1, code: 'INBOUND_EVENT_MALFORMED' }] });
    const tooMany = Array.from({ length: MAX_INBOUND_BATCH + 1 }, () => ({ ...pollenEvent() }));
    expect(
      await refusal(
        Promise.resolve().then(() => cloudEventsOfMessage({ 'content-type': CLOUDEVENTS_BATCH_JSON }, JSON.stringify(tooMany))),
      ),
    ).toMatchObject({ code: 'INBOUND_BATCH_TOO_LARGE', status: 413 });
    expect(
      await refusal(
        inTenant(sundsvall, () => inbound.accept([pollenEvent({ data: 'plain text', datacontenttype: 'text/plain' })], fromSensor)),
      ),
    ).toMatchObject({
      code: 'INBOUND_EVENT_MALFORMED',
    });
    expect(await refusal(inTenant(sundsvall, () => inbound.accept([], fromSensor)))).toMatchObject({ code: 'INBOUND_EVENT_MALFORMED' });
  });

  it('replaces a personnummer by the party id at once: no identity number is stored or announced', async () => {
    const personnummer = testPersonnummer(7);
    const event = new CloudEvent<unknown>({
      id: randomUUID(),
      source: '/folkbokforing',
      type: AGE,
      data: { personnummer, age: 75, reachedOn: '2026-05-02' },
    });
    await inTenant(sundsvall, () => inbound.accept([event], fromSensor));
    const partyId = await new PartyRegister(db()).partyIdFor('person', personnummer);
    const [row] = (await stored(sundsvall)).filter((r: { event_id: string }) => r.event_id === event.id);
    expect(row.data).toEqual({ residentPartyId: partyId, age: 75, reachedOn: '2026-05-02' });
    const outbox = (await announced(sundsvall)).find((o) => o.data.id === event.id);
    expect(JSON.stringify(outbox)).not.toContain(personnummer);
    const bad = new CloudEvent<unknown>({
      id: randomUUID(),
      source: '/folkbokforing',
      type: AGE,
      data: { personnummer: '199001019999', age: 75, reachedOn: '2026-05-02' },
    });
    expect(await refusal(inTenant(sundsvall, () => inbound.accept([bad], fromSensor)))).toMatchObject({ code: 'INBOUND_EVENT_INVALID' });
  });

  it('keeps municipalities apart: each sees its own events, and a type one registered is unknown to another', async () => {
    const own = 'se.sundsvall.va.leak-detected.v1';
    const schema = { type: 'object', required: ['meter'], properties: { meter: { type: 'string' } }, additionalProperties: false };
    await inTenant(sundsvall, () =>
      inbound.types.register({ cloudEventType: own, summary: 'A water meter reports a leak', dataSchema: schema }, 'staff:admin'),
    );
    const leak = new CloudEvent<unknown>({ id: randomUUID(), source: '/va', type: own, data: { meter: 'M1' } });
    await inTenant(sundsvall, () => inbound.accept([leak], fromSensor));
    expect(await refusal(inTenant(timra, () => inbound.accept([leak], fromSensor)))).toMatchObject({ code: 'INBOUND_EVENT_TYPE_UNKNOWN' });
    expect((await inTenant(timra, () => inbound.types.list())).map((t) => t.cloudEventType)).not.toContain(own);
    expect((await inTenant(sundsvall, () => inbound.types.list())).map((t) => t.cloudEventType)).toContain(own);
    const timraIds = (await stored(timra)).map((r: { event_id: string }) => r.event_id);
    expect(timraIds).not.toContain(leak.id);
    expect((await inTenant(timra, () => inbound.list())).every((e) => timraIds.includes(e.id))).toBe(true);
    // Same source and id in another municipality is another event.
    const shared = pollenEvent();
    await inTenant(sundsvall, () => inbound.accept([shared], fromSensor));
    await expect(inTenant(timra, () => inbound.accept([shared], fromSensor))).resolves.toMatchObject([{ duplicate: false }]);
  });

  it('refuses a type registration that is not versioned, is the platform’s, or changes a registered schema', async () => {
    const register = (cloudEventType: string, dataSchema: Record<string, unknown> = { type: 'object' }) =>
      inTenant(sundsvall, () => inbound.types.register({ cloudEventType, summary: 's', dataSchema }, 'staff:admin'));
    await expect(register('se.sundsvall.thing')).rejects.toThrow('version last');
    await expect(register('se.kommuna.sensor.other.v1')).rejects.toThrow("platform's");
    await expect(register('se.sundsvall.x.y.v1', { type: 'object', properties: { a: { type: 'nonsense' } } })).rejects.toThrow(
      'not a valid JSON Schema',
    );
    await register('se.sundsvall.x.y.v1');
    await expect(register('se.sundsvall.x.y.v1')).resolves.toMatchObject({ scope: 'municipality' });
    await expect(
      register('se.sundsvall.x.y.v1', { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }),
    ).rejects.toThrow('new version');
  });

  describe('over NATS JetStream (real server)', () => {
    let nc: NatsConnection;
    let consumer: NatsInboundConsumer;
    const refusals: string[] = [];
    beforeAll(async () => {
      nc = await connect({ servers: NATS_URL });
      const tenants = new Map([sundsvall, timra].map((t) => [t.slug, { id: t.id, slug: t.slug }]));
      consumer = new NatsInboundConsumer(nc, inbound, {
        tenantOf: (slug) => tenants.get(slug),
        durableName: `inbound-spec-${run}`,
        // This run's municipality only: the stream on the shared server outlives the test.
        filterSubject: `kommuna.inbound.${timra.slug}.>`,
        onError: (error, context) => context.refused && refusals.push(error.message),
      });
      await consumer.ensureConsumer();
    });
    afterAll(async () => {
      await (await nc?.jetstreamManager())?.consumers.delete(INBOUND_STREAM, `inbound-spec-${run}`).catch(() => undefined);
      await nc?.drain();
    });

    const publish = async (subject: string, event: CloudEvent<unknown>, mode: 'binary' | 'structured') => {
      const message = mode === 'binary' ? HTTP.binary(event) : HTTP.structured(event);
      const headers = natsHeaders();
      for (const [name, value] of Object.entries(message.headers)) headers.set(name, String(value));
      await nc.jetstream().publish(subject, new TextEncoder().encode(String(message.body)), { headers, msgID: event.id });
    };

    it('stores events published to a municipality’s inbound subject, binary or structured, for that municipality only', async () => {
      const binary = pollenEvent();
      const structured = pollenEvent();
      await publish(inboundSubject(timra.slug, POLLEN), binary, 'binary');
      await publish(inboundSubject(timra.slug, POLLEN), structured, 'structured');
      expect(await consumer.takeOnce(10, 2000)).toBe(2);
      const ids = (await stored(timra)).map((r: { event_id: string }) => r.event_id);
      expect(ids).toEqual(expect.arrayContaining([binary.id, structured.id]));
      expect((await stored(sundsvall)).map((r: { event_id: string }) => r.event_id)).not.toContain(binary.id);
      expect((await announced(timra)).map((o) => o.data.id)).toEqual(expect.arrayContaining([binary.id, structured.id]));
    });

    it('keeps taking events as a background task until it is stopped', async () => {
      const event = pollenEvent();
      consumer.start();
      try {
        await publish(inboundSubject(timra.slug, POLLEN), event, 'binary');
        const has = async () => (await stored(timra)).some((r: { event_id: string }) => r.event_id === event.id);
        for (let tries = 0; tries < 100 && !(await has()); tries++) await new Promise((resolve) => setTimeout(resolve, 100));
        expect(await has()).toBe(true);
      } finally {
        await consumer.stop();
      }
    });

    it('refuses (and never redelivers) an event naming another municipality, or filed under another type', async () => {
      const foreign = pollenEvent({ [TENANT_EXTENSION]: sundsvall.slug });
      const misfiled = pollenEvent();
      await publish(inboundSubject(timra.slug, POLLEN), foreign, 'structured');
      await publish(inboundSubject(timra.slug, AGE), misfiled, 'binary');
      expect(await consumer.takeOnce(10, 2000)).toBe(2);
      expect(refusals).toEqual([
        expect.stringContaining(`addressed to ${sundsvall.slug}`),
        expect.stringContaining('publish each type to its own subject'),
      ]);
      const ids = [...(await stored(timra)), ...(await stored(sundsvall))].map((r: { event_id: string }) => r.event_id);
      expect(ids).not.toContain(foreign.id);
      expect(ids).not.toContain(misfiled.id);
      expect(await consumer.takeOnce(10, 1000)).toBe(0);
    });
  });
});
