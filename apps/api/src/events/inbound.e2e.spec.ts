import { randomUUID } from 'node:crypto';
import { CloudEvent, HTTP } from 'cloudevents';
import { testPersonnummer } from '@kommuna/platform-testing';
import { postInboundEvents, useTestApi } from '../testing/test-api';

const POLLEN = 'se.kommuna.sensor.pollen.level-measured.v1';
const AGE = 'se.kommuna.population.resident.age-reached.v1';

/**
 * Events in over HTTP as the api runs (issue 18 items 5 and 6), with the shipped tenants and
 * Sundsvall's shipped rules: a sensor's reading becomes a task in Sundsvall's home-care inbox, a
 * resident turning 75 a proactive decision they see in Mina sidor; the refusals; and the
 * isolation between municipalities and units.
 */
describe('events in over HTTP, and rules on them', () => {
  const api = useTestApi();

  const system = (slug: string, scope = 'profile email events-in') =>
    `Bearer ${api.realm.token({ sub: `service-account-${slug}-system`, realm_access: { roles: ['service_account'] }, organization: [slug], azp: `${slug}-system`, scope })}`;
  const staff = (slug: string, role: 'case_worker' | 'tenant_admin', unit?: string) =>
    `Bearer ${api.realm.token({ sub: `${slug}-${role}-${unit ?? 'all'}`, realm_access: { roles: [role] }, organization: [slug], ...(unit ? { unit } : {}) })}`;
  const citizen = (n: number) =>
    `Bearer ${api.realm.token({ sub: `citizen-${n}`, realm_access: { roles: ['citizen'] }, personnummer: testPersonnummer(n) })}`;

  const post = (tenant: string, authorization: string | undefined, message: { headers: Record<string, unknown>; body: unknown }) =>
    postInboundEvents(api, tenant, authorization, message);
  const batch = (events: CloudEvent<unknown>[]) => ({
    headers: { 'content-type': 'application/cloudevents-batch+json' },
    body: JSON.stringify(events.map((e) => e.toJSON())),
  });
  const gql = async (tenant: string, authorization: string, query: string, variables?: Record<string, unknown>) => {
    const { status, body } = await api.graphql(query, { authorization, 'x-kommuna-tenant': tenant }, variables);
    expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
    return body.data;
  };
  const worker = async () => {
    // The worker's rounds: inbound → rules → Mina sidor and digital mail.
    for (let round = 0; round < 4; round++) await api.dispatchEvents();
  };
  const pollen = (level: number, extra: Record<string, unknown> = {}) =>
    new CloudEvent<unknown>({
      id: randomUUID(),
      source: '/sensors/pollen/S-7',
      type: POLLEN,
      data: { station: 'S-7', area: 'Skönsberg', pollen: 'björk', level, measuredAt: '2026-05-03T05:00:00Z' },
      ...extra,
    });

  it("runs Sundsvall's pollen rule end to end: a sensor's reading in binary mode becomes one task in home care's inbox", async () => {
    const high = pollen(4);
    const first = await post('sundsvall', system('sundsvall'), HTTP.binary(high));
    expect(first).toMatchObject({ status: 202, body: { accepted: [{ id: high.id, type: POLLEN, duplicate: false }] } });
    // The sensor retries: recognised, nothing twice.
    expect(await post('sundsvall', system('sundsvall'), HTTP.structured(high))).toMatchObject({
      status: 202,
      body: { accepted: [{ inboundEventId: first.body.accepted[0].inboundEventId, duplicate: true }] },
    });
    // A low reading in the same delivery fires nothing.
    expect((await post('sundsvall', system('sundsvall'), batch([pollen(1), pollen(2)]))).status).toBe(202);
    await worker();

    const { ruleTasks } = await gql(
      'sundsvall',
      staff('sundsvall', 'case_worker', 'hemtjanst'),
      '{ ruleTasks { id unit status title { sv } description { sv } dueAt } }',
    );
    expect(ruleTasks).toEqual([
      expect.objectContaining({
        unit: 'hemtjanst',
        status: 'OPEN',
        title: { sv: 'Högt pollenhalt i Skönsberg: planera extra besök hos allergiker' },
      }),
    ]);
    const { ruleFirings } = await gql(
      'sundsvall',
      staff('sundsvall', 'tenant_admin'),
      '{ ruleFirings { ruleKey ruleVersion eventId actionKind outcome } }',
    );
    expect(ruleFirings).toEqual([
      {
        ruleKey: 'pollen-extra-hemtjanst',
        ruleVersion: 1,
        eventId: high.id,
        actionKind: 'task',
        outcome: { taskId: ruleTasks[0].id, unit: 'hemtjanst' },
      },
    ]);
    // Unit secrecy: the school's case workers see none of it; the home-care worker closes it.
    expect((await gql('sundsvall', staff('sundsvall', 'case_worker', 'skola'), '{ ruleTasks { id } }')).ruleTasks).toEqual([]);
    const { completeRuleTask } = await gql(
      'sundsvall',
      staff('sundsvall', 'case_worker', 'hemtjanst'),
      `mutation { completeRuleTask(id: "${ruleTasks[0].id}") { status } }`,
    );
    expect(completeRuleTask.status).toBe('DONE');
  });

  it('makes the proactive decision at 75, which the resident reads in Mina sidor with reasons and legal basis', async () => {
    const turning75 = new CloudEvent<unknown>({
      id: randomUUID(),
      source: '/folkbokforing',
      type: AGE,
      data: { personnummer: testPersonnummer(775), age: 75, reachedOn: '2026-05-03' },
    });
    expect((await post('sundsvall', system('sundsvall'), HTTP.binary(turning75))).status).toBe(202);
    await worker();
    const { myCases } = await gql(
      'sundsvall',
      citizen(775),
      '{ myCases { nodes { errandNumber source municipality { slug } decisions { outcome automated legalBasis { sfs section } reasons { ruleId text { sv } } validFrom validTo } } } }',
    );
    expect(myCases.nodes).toEqual([
      expect.objectContaining({
        source: 'rules',
        municipality: { slug: 'sundsvall' },
        decisions: [
          expect.objectContaining({
            outcome: 'APPROVAL',
            automated: true,
            legalBasis: { sfs: '2017:900', section: '28' },
            reasons: [expect.objectContaining({ ruleId: 'seniorkort-75' })],
          }),
        ],
      }),
    ]);
    expect(myCases.nodes[0].errandNumber).toMatch(/^REGEL-/);
    // The identity number went no further than the edge.
    const stored = await gql('sundsvall', staff('sundsvall', 'tenant_admin'), `{ inboundEvents(type: "${AGE}") { id data } }`);
    expect(stored.inboundEvents.find((e: { id: string }) => e.id === turning75.id).data).toEqual({
      residentPartyId: expect.any(String),
      age: 75,
      reachedOn: '2026-05-03',
    });
  });

  it('refuses bad deliveries with a clear code and stores nothing of them', async () => {
    const codeOf = async (
      tenant: string,
      authorization: string | undefined,
      message: { headers: Record<string, unknown>; body: unknown },
    ) => {
      const { status, body } = await post(tenant, authorization, message);
      return [status, body.code];
    };
    expect(await codeOf('sundsvall', undefined, HTTP.binary(pollen(3)))).toEqual([401, 'UNAUTHENTICATED']);
    // A token with a bad signature (signed by a key the realm never published): refused before anything is read.
    const forged = `Bearer ${api.realm.forgedToken({ sub: 'service-account-sundsvall-system', realm_access: { roles: ['service_account'] }, organization: ['sundsvall'], azp: 'sundsvall-system', scope: 'events-in' })}`;
    expect(await codeOf('sundsvall', forged, HTTP.binary(pollen(3)))).toEqual([401, 'UNAUTHENTICATED']);
    expect(await codeOf('sundsvall', system('sundsvall', 'profile eforms-submissions'), HTTP.binary(pollen(3)))).toEqual([
      403,
      'FORBIDDEN',
    ]);
    expect(await codeOf('sundsvall', citizen(776), HTTP.binary(pollen(3)))).toEqual([403, 'FORBIDDEN']);
    // Timrå's system cannot deliver to Sundsvall; nor can Sundsvall's name Timrå in the event.
    expect(await codeOf('sundsvall', system('timra'), HTTP.binary(pollen(3)))).toEqual([403, 'FORBIDDEN']);
    expect(await codeOf('sundsvall', system('sundsvall'), HTTP.binary(pollen(3, { kommunatenant: 'timra' })))).toEqual([
      403,
      'INBOUND_EVENT_WRONG_MUNICIPALITY',
    ]);
    expect(await codeOf('sundsvall', system('sundsvall'), { headers: { 'content-type': 'application/json' }, body: { level: 4 } })).toEqual(
      [400, 'INBOUND_EVENT_MALFORMED'],
    );
    expect(
      await codeOf('sundsvall', system('sundsvall'), {
        headers: { 'content-type': 'application/cloudevents+json' },
        body: '{"specversion":"1.0"',
      }),
    ).toEqual([400, 'INBOUND_EVENT_MALFORMED']);
    expect(await codeOf('sundsvall', system('sundsvall'), HTTP.binary(pollen(3, { type: 'se.sundsvall.nobody.knows.v1' })))).toEqual([
      422,
      'INBOUND_EVENT_TYPE_UNKNOWN',
    ]);
    expect(await codeOf('sundsvall', system('sundsvall'), HTTP.binary(pollen(7)))).toEqual([422, 'INBOUND_EVENT_INVALID']);
    expect(await codeOf('sundsvall', system('sundsvall'), batch(Array.from({ length: 101 }, () => pollen(3))))).toEqual([
      413,
      'INBOUND_BATCH_TOO_LARGE',
    ]);
    // One bad event refuses its batch: the good one beside it is not stored either.
    const good = pollen(3);
    const refused = await post('sundsvall', system('sundsvall'), batch([good, pollen(9)]));
    expect(refused).toMatchObject({
      status: 422,
      body: { code: 'INBOUND_EVENT_INVALID', details: { problems: [{ index: 1, code: 'INBOUND_EVENT_INVALID' }] } },
    });
    // Replayed with other content under a known id: refused.
    const known = pollen(1);
    expect((await post('sundsvall', system('sundsvall'), HTTP.binary(known))).status).toBe(202);
    expect(
      await codeOf(
        'sundsvall',
        system('sundsvall'),
        HTTP.binary(new CloudEvent<unknown>({ ...known, data: { ...(known.data as object), level: 4 } })),
      ),
    ).toEqual([409, 'INBOUND_EVENT_ID_CONFLICT']);
    const { inboundEvents } = await gql('sundsvall', staff('sundsvall', 'tenant_admin'), '{ inboundEvents(first: 200) { id } }');
    expect(inboundEvents.map((e: { id: string }) => e.id)).not.toContain(good.id);
  });

  it("keeps municipalities apart: Timrå's admin sees none of Sundsvall's events, rules or types, and a type Sundsvall registers is unknown in Timrå", async () => {
    const admin = staff('sundsvall', 'tenant_admin');
    const registered = await gql(
      'sundsvall',
      admin,
      'mutation($input: InboundEventTypeInput!) { registerInboundEventType(input: $input) { cloudEventType scope } }',
      {
        input: {
          cloudEventType: 'se.sundsvall.va.leak-detected.v1',
          summary: 'A water meter reports a leak',
          dataSchema: { type: 'object', required: ['meter'], properties: { meter: { type: 'string' } }, additionalProperties: false },
        },
      },
    );
    expect(registered.registerInboundEventType).toEqual({ cloudEventType: 'se.sundsvall.va.leak-detected.v1', scope: 'municipality' });
    const leak = new CloudEvent<unknown>({
      id: randomUUID(),
      source: '/va/meters',
      type: 'se.sundsvall.va.leak-detected.v1',
      data: { meter: 'M-1' },
    });
    expect((await post('sundsvall', system('sundsvall'), HTTP.binary(leak))).status).toBe(202);
    expect((await post('timra', system('timra'), HTTP.binary(leak))).body.code).toBe('INBOUND_EVENT_TYPE_UNKNOWN');

    const timraAdmin = staff('timra', 'tenant_admin');
    const timra = await gql(
      'timra',
      timraAdmin,
      '{ inboundEvents(first: 200) { id } rules { key } ruleFirings { id } inboundEventTypes { cloudEventType } }',
    );
    expect(timra.inboundEvents).toEqual([]);
    expect(timra.rules).toEqual([]);
    expect(timra.ruleFirings).toEqual([]);
    expect(timra.inboundEventTypes.map((t: { cloudEventType: string }) => t.cloudEventType)).not.toContain(
      'se.sundsvall.va.leak-detected.v1',
    );
    // Sundsvall's admin manages its rules through GraphQL: a new version of the pollen rule.
    const { rules } = await gql('sundsvall', admin, '{ rules { key version definition } }');
    expect(rules.map((r: { key: string }) => r.key)).toEqual(['pollen-extra-hemtjanst', 'seniorkort-75']);
    const pollenRule = rules[0];
    const { saveRule } = await gql('sundsvall', admin, 'mutation($rule: JSONObject!) { saveRule(rule: $rule) { key version createdBy } }', {
      rule: { ...pollenRule.definition, key: pollenRule.key, condition: { '>=': [{ var: 'data.level' }, 2] } },
    });
    expect(saveRule).toEqual({ key: 'pollen-extra-hemtjanst', version: 2, createdBy: 'staff:sundsvall-tenant_admin-all' });
  });
});
