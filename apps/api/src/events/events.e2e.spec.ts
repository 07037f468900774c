import { randomUUID } from 'node:crypto';
import { Parser } from '@asyncapi/parser';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { CloudEvent, HTTP } from 'cloudevents';
import {
  binaryMessage,
  EventHandler,
  OutboxDispatcher,
  OutboxEvent,
  structuredMessage,
  TENANT_EXTENSION,
  toCloudEvent,
} from '@kommuna/platform-events';
import { EVENT_CONTRACTS, EVENT_TYPES, eventContractOf, INBOUND_EVENT_CONTRACTS } from '@kommuna/shared-service-contracts';
import { testPersonnummer } from '@kommuna/platform-testing';
import { citizenToken, parkingPermitAnswers, systemToken, useTestApi } from '../testing/test-api';
import { personnummerOf } from '../security/personnummer-scan';

/**
 * Every event the services publish, produced by the services themselves through the api, read
 * back from the outbox as the worker reads it, mapped once (toCloudEvent) and parsed by the
 * official CloudEvents SDK in binary and structured mode; its data checked against its schema.
 */
describe('events on the wire (CloudEvents, AsyncAPI)', () => {
  const api = useTestApi();

  const inject = (method: 'GET' | 'POST', url: string, headers: Record<string, string> = {}, body?: unknown) =>
    api.rest(method, url, { headers, body });
  const citizen = (index: number) => citizenToken(api.realm, index);
  const system = (slug: string) => systemToken(api.realm, slug);
  const caseWorker = (slug: string, unit: string) =>
    api.realm.token({ sub: `${slug}-${unit}-1`, realm_access: { roles: ['case_worker'] }, organization: [slug], unit });
  // Inputs are written into the document as literals: this suite is about events, not variable handling.
  class Enum {
    constructor(readonly name: string) {}
  }
  const literal = (value: unknown): string =>
    value instanceof Enum
      ? value.name
      : Array.isArray(value)
        ? `[${value.map(literal).join(', ')}]`
        : value !== null && typeof value === 'object'
          ? `{ ${Object.entries(value)
              .map(([k, v]) => `${k}: ${literal(v)}`)
              .join(', ')} }`
          : JSON.stringify(value);
  const ok = async (slug: string, token: string, query: string, input?: Record<string, unknown>) => {
    const { status, body } = await api.graphql(input ? query.replace('$input', literal(input)) : query, {
      authorization: `Bearer ${token}`,
      'x-kommuna-tenant': slug,
    });
    expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
    return body.data;
  };

  it('serves an AsyncAPI 3 document of every published event that the AsyncAPI parser accepts without errors', async () => {
    const { status, body } = await inject('GET', '/events/asyncapi.json');
    expect(status).toBe(200);
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(body));
    expect(diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document?.version()).toMatch(/^3\./);
    const names = document!
      .allMessages()
      .all()
      .map((m) => m.name());
    // Outgoing types once; each inbound type on its NATS and its HTTP channel.
    expect(names.sort()).toEqual(
      [
        ...EVENT_CONTRACTS.map((c) => c.cloudEventType),
        ...INBOUND_EVENT_CONTRACTS.flatMap((c) => [c.cloudEventType, c.cloudEventType]),
      ].sort(),
    );
    expect(
      document!
        .operations()
        .all()
        .map((o) => o.action()),
    ).toEqual(['send', 'receive', 'receive']);
  });

  it('serves each data schema by its CloudEvents type, and 404 with the known types for another', async () => {
    const found = await inject('GET', '/events/schemas/se.kommuna.eforms.submission.received.v1.json');
    expect(found).toMatchObject({
      status: 200,
      body: { $schema: 'https://json-schema.org/draft/2020-12/schema', required: expect.arrayContaining(['submissionId', 'errandNumber']) },
    });
    const missing = await inject('GET', '/events/schemas/se.kommuna.eforms.submission.received.v9');
    expect(missing).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(missing.body.message).toContain('se.kommuna.eforms.submission.received.v1');
  });

  it('maps every event type the services publish to a CloudEvent that the SDK parses in binary and structured mode', async () => {
    // e-forms: an automatically decided submission, and one a case worker asks to complete and decides.
    const parking = parkingPermitAnswers();
    const SUBMIT = 'mutation { submitForm(input: $input) { submissionId status } }';
    const { submitForm: manual } = await ok('sundsvall', citizen(301), SUBMIT, {
      formSlug: 'parkeringstillstand',
      data: parking,
      idempotencyKey: randomUUID(),
    });
    expect(manual.status).toBe('manual_handling');
    const social = caseWorker('sundsvall', 'socialtjanst');
    await ok(
      'sundsvall',
      social,
      `mutation { requestFormCompletion(submissionId: "${manual.submissionId}", message: { sv: "Bifoga intyg.", en: "Attach a certificate." }) { status } }`,
    );
    await ok('sundsvall', social, 'mutation { decideFormSubmission(input: $input) { status } }', {
      submissionId: manual.submissionId,
      outcome: new Enum('reject'),
      reason: { sv: 'Intyg saknas.', en: 'No certificate.' },
      legalBasis: { sfs: '1998:1276', chapter: '13', section: '8' },
    });
    // The case system registers the first under its diarienummer (Mina sidor then shows it).
    const caseSystem = api.realm.token({
      sub: 'service-account-sundsvall-system',
      realm_access: { roles: ['service_account'] },
      organization: ['sundsvall'],
      azp: 'sundsvall-system',
      scope: 'eforms-submissions',
    });
    await ok(
      'sundsvall',
      caseSystem,
      `mutation { acknowledgeFormSubmission(submissionId: "${manual.submissionId}", caseSystemReference: "KS 2026/0001") { id } }`,
    );
    // Mina sidor: a municipal system's case in Timrå with a message (its status and decision events come from e-forms' cases above).
    const key = { source: 'procapita', externalCaseId: `events-${randomUUID()}` };
    await ok('timra', system('timra'), 'mutation { upsertCase(input: $input) { caseId } }', {
      ...key,
      errandNumber: 'TIM-1',
      caseType: 'bistand',
      title: { sv: 'Ärende', en: 'Case' },
      unit: 'socialtjanst',
      subject: { personnummer: testPersonnummer(302) },
      statusOccurredAt: '2026-02-01T10:00:00Z',
    });
    await ok('timra', system('timra'), 'mutation { postCaseMessage(input: $input) { replayed } }', {
      ...key,
      externalMessageId: 'm1',
      body: 'Hej',
    });
    // Digital mail: a letter accepted from a municipal system.
    const letter = await inject(
      'POST',
      '/digital-mail/messages',
      { authorization: `Bearer ${system('sundsvall')}`, 'x-kommuna-tenant': 'sundsvall' },
      { recipient: testPersonnummer(303), subject: 'Beslut', body: 'Hej' },
    );
    expect(letter.status).toBe(202);

    // The worker's round with one more consumer that takes every published type, as a bridge out would.
    const seen: OutboxEvent[] = [];
    const wire: EventHandler = {
      name: 'test.wire',
      types: EVENT_CONTRACTS.map((c) => c.type),
      handle: async (event) => void seen.push(event),
    };
    for (let round = 0; round < 5; round++)
      await new OutboxDispatcher(api.runtime.database, [...api.runtime.services.eventHandlers, wire]).drain();

    const expected = [
      EVENT_TYPES.formSubmissionReceived,
      EVENT_TYPES.formCompletionRequested,
      EVENT_TYPES.formDecisionMade,
      EVENT_TYPES.formSubmissionRegistered,
      EVENT_TYPES.caseStatusChanged,
      EVENT_TYPES.caseMessagePosted,
      EVENT_TYPES.caseDecisionRecorded,
      EVENT_TYPES.mailDeliveryStatusChanged,
    ];
    expect([...new Set(seen.map((e) => e.type))]).toEqual(expect.arrayContaining(expected));

    const ajv = addFormats(new Ajv2020({ strict: true, allErrors: true }));
    const slugOf = new Map(api.runtime.tenants.all().map((t) => [t.id, t.slug]));
    for (const stored of seen) {
      const contract = eventContractOf(stored.type)!;
      const event = toCloudEvent(stored, slugOf.get(stored.tenantId)!);
      for (const [mode, message] of [
        ['binary', binaryMessage(event)],
        ['structured', structuredMessage(event)],
      ] as const) {
        const parsed = HTTP.toEvent({ headers: message.headers, body: message.body }) as CloudEvent<unknown>;
        expect({ mode, valid: parsed.validate() }).toEqual({ mode, valid: true });
        expect(parsed).toMatchObject({
          specversion: '1.0',
          id: stored.id,
          source: contract.source,
          type: contract.cloudEventType,
          datacontenttype: 'application/json',
          [TENANT_EXTENSION]: slugOf.get(stored.tenantId),
        });
        expect(new Date(parsed.time!).getTime()).toBe(stored.occurredAt.getTime());
        expect(parsed.data).toEqual(stored.data);
      }
      const validate =
        ajv.getSchema(contract.cloudEventType) ??
        ajv.addSchema(contract.dataSchema, contract.cloudEventType).getSchema(contract.cloudEventType)!;
      expect({ type: stored.type, valid: validate(stored.data), errors: validate.errors ?? null }).toEqual({
        type: stored.type,
        valid: true,
        errors: null,
      });
      // Identity numbers never leave in an event (checked as numbers of people: a UUID's last group
      // can be twelve digits by chance, which a bare digit pattern took for one).
      expect(personnummerOf(JSON.stringify(event))).toEqual([]);
    }
    // Each event is its own municipality's.
    expect(seen.filter((e) => e.type === EVENT_TYPES.caseMessagePosted).map((e) => slugOf.get(e.tenantId))).toEqual(['timra']);
  });
});
