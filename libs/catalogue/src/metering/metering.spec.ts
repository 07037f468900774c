import { randomUUID } from 'node:crypto';
import { DatabaseSchema, PLATFORM_DATABASE_SCHEMA, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { OutboxDispatcher, OutboxEvent, recordEvent } from '@kommuna/platform-events';
import { requestContext } from '@kommuna/platform-tenancy';
import { buildTenantConfig, useTestDatabase } from '@kommuna/platform-testing';
import { EVENT_TYPES } from '@kommuna/shared-service-contracts';
import { CATALOGUE_DATABASE_SCHEMA } from '../schema';
import { stockholmMonth } from '../months';
import { CatalogueMeteringHandler, meterOf, metersOf } from './metering-handler';
import { UsageRepository } from './usage.repository';

const SCHEMA: DatabaseSchema = {
  entities: [...(PLATFORM_DATABASE_SCHEMA.entities as []), ...(CATALOGUE_DATABASE_SCHEMA.entities as [])],
  migrations: [...PLATFORM_DATABASE_SCHEMA.migrations, ...CATALOGUE_DATABASE_SCHEMA.migrations],
};

describe('metering (outbox events → monthly usage)', () => {
  const db = useTestDatabase(SCHEMA);
  let sundsvall: Tenant;
  let ange: Tenant;
  const usage = new UsageRepository();
  const handler = new CatalogueMeteringHandler();
  const citizen = randomUUID();

  beforeAll(async () => {
    [sundsvall, ange] = await new TenantDirectory(db()).sync([
      buildTenantConfig({ slug: 'sundsvall' }),
      buildTenantConfig({ slug: 'ange' }),
    ]);
  });

  const inTenant = <T>(tenant: Tenant, work: () => Promise<T>) => requestContext.run({ requestId: 't', tenantId: tenant.id }, work);
  const emit = (tenant: Tenant, type: string, data: Record<string, unknown>) =>
    inTenant(tenant, () => db().transaction((em) => recordEvent(em, { type, source: '/test', data })));
  const usageOf = (tenant: Tenant) =>
    inTenant(tenant, () => db().transaction((em) => usage.forTenant(em, tenant.id))).then((rows) =>
      Object.fromEntries(rows.map((r) => [`${r.service}/${r.metric}`, r.count])),
    );
  const mail = (status: string, channel: string | null) => ({
    messageId: randomUUID(),
    recipientPartyId: citizen,
    status,
    channel,
    statusDetail: null,
    externalReferences: {},
  });

  it('counts submissions, automated decisions, letters by channel and case updates, per municipality', async () => {
    for (let i = 0; i < 3; i++)
      await emit(sundsvall, EVENT_TYPES.formSubmissionReceived, { submissionId: randomUUID(), subjectPartyId: citizen });
    await emit(ange, EVENT_TYPES.formSubmissionReceived, { submissionId: randomUUID(), subjectPartyId: citizen });
    await emit(sundsvall, EVENT_TYPES.formDecisionMade, { automated: true, subjectPartyId: citizen });
    await emit(sundsvall, EVENT_TYPES.formDecisionMade, { automated: false, subjectPartyId: citizen });
    await emit(sundsvall, EVENT_TYPES.mailDeliveryStatusChanged, mail('SENT', 'digital'));
    await emit(sundsvall, EVENT_TYPES.mailDeliveryStatusChanged, mail('SENT', 'digital'));
    await emit(sundsvall, EVENT_TYPES.mailDeliveryStatusChanged, mail('SENT', 'paper'));
    await emit(sundsvall, EVENT_TYPES.mailDeliveryStatusChanged, mail('FAILED', 'digital'));
    await emit(sundsvall, EVENT_TYPES.mailDeliveryStatusChanged, mail('PENDING', null));
    await emit(ange, EVENT_TYPES.caseStatusChanged, { caseId: randomUUID(), subjectPartyId: citizen });
    await emit(ange, EVENT_TYPES.caseMessagePosted, { caseId: randomUUID(), subjectPartyId: citizen });

    await new OutboxDispatcher(db(), [handler]).drain();

    const month = stockholmMonth(new Date());
    expect(await usageOf(sundsvall)).toEqual({
      'digital-mail/letters_digital': 2,
      'digital-mail/letters_paper': 1,
      'e-forms/automated_decisions': 1,
      'e-forms/submissions': 3,
    });
    expect(await usageOf(ange)).toEqual({ 'e-forms/submissions': 1, 'minasidor/case_updates': 1 });
    const rows = await inTenant(ange, () => db().transaction((em) => usage.forTenant(em, ange.id)));
    expect(rows.every((r) => r.month === month)).toBe(true);
  });

  it('counts an event once however often the outbox delivers it', async () => {
    const before = await usageOf(sundsvall);
    // Redelivery after a crash between handling and acknowledging: the event is due again.
    await inTenant(sundsvall, () =>
      db().transaction((em) => em.query(`UPDATE outbox_event SET published_at = NULL WHERE tenant_id = $1`, [sundsvall.id])),
    );
    expect(await new OutboxDispatcher(db(), [handler]).drain()).toBeGreaterThan(0);
    expect(await usageOf(sundsvall)).toEqual(before);

    // And a handler called twice with the same event in one go.
    const event: OutboxEvent = {
      id: randomUUID(),
      tenantId: sundsvall.id,
      type: EVENT_TYPES.formSubmissionReceived,
      source: '/e-forms',
      subject: null,
      data: {},
      occurredAt: new Date(),
      attempts: 0,
    };
    await inTenant(sundsvall, () => db().transaction((em) => handler.handle(event, em)));
    await inTenant(sundsvall, () => db().transaction((em) => handler.handle(event, em)));
    expect((await usageOf(sundsvall))['e-forms/submissions']).toBe(before['e-forms/submissions'] + 1);
  });

  it('counts a batch as it counts its events one by one: per month, each event once', async () => {
    const at = (iso: string, type: string, data: Record<string, unknown> = {}): OutboxEvent => ({
      id: randomUUID(),
      tenantId: ange.id,
      type,
      source: '/test',
      subject: null,
      data,
      occurredAt: new Date(iso),
      attempts: 0,
    });
    const events = [
      at('2024-03-10T10:00:00Z', EVENT_TYPES.mailDeliveryStatusChanged, mail('SENT', 'paper')),
      at('2024-03-31T22:30:00Z', EVENT_TYPES.mailDeliveryStatusChanged, mail('SENT', 'paper')), // 00:30 on 1 April in Stockholm
      at('2024-03-11T10:00:00Z', EVENT_TYPES.mailDeliveryStatusChanged, mail('SENT', 'paper')),
      at('2024-03-12T10:00:00Z', EVENT_TYPES.mailDeliveryStatusChanged, mail('DELIVERED', 'paper')),
      at('2024-03-12T11:00:00Z', EVENT_TYPES.formSubmissionReceived),
    ];
    const march = (rows: Array<{ service: string; metric: string; month: string; count: number }>) =>
      rows
        .filter((r) => r.month.startsWith('2024-0'))
        .map((r) => `${r.month} ${r.service}/${r.metric} ${r.count}`)
        .sort();
    // The first event was counted before (a redelivery): the batch counts the rest.
    await inTenant(ange, () => db().transaction((em) => handler.handle(events[0], em)));
    await inTenant(ange, () => db().transaction((em) => handler.handleBatch(events, em)));
    await inTenant(ange, () => db().transaction((em) => handler.handleBatch(events, em)));
    const rows = await inTenant(ange, () => db().transaction((em) => usage.forTenant(em, ange.id)));
    expect(march(rows)).toEqual([
      '2024-03-01 digital-mail/letters_paper 2',
      '2024-03-01 e-forms/submissions 1',
      '2024-04-01 digital-mail/letters_paper 1',
    ]);
  });

  it('counts an event in the Stockholm month it occurred in', async () => {
    // 23:30 UTC on 31 January is 00:30 on 1 February in Stockholm.
    const event: OutboxEvent = {
      id: randomUUID(),
      tenantId: ange.id,
      type: EVENT_TYPES.caseStatusChanged,
      source: '/minasidor',
      subject: null,
      data: {},
      occurredAt: new Date('2025-01-31T23:30:00Z'),
      attempts: 0,
    };
    await inTenant(ange, () => db().transaction((em) => handler.handle(event, em)));
    const rows = await inTenant(ange, () => db().transaction((em) => usage.forTenant(em, ange.id)));
    expect(rows.find((r) => r.month === '2025-02-01')).toMatchObject({ service: 'minasidor', metric: 'case_updates', count: 1 });
    expect(rows.find((r) => r.month === '2025-01-01')).toBeUndefined();
  });

  it("meters the AI platform's approved call notes and case summaries apart", () => {
    expect(meterOf({ type: EVENT_TYPES.aiDraftApproved, data: { kind: 'call_note' } })).toEqual({
      service: 'ai',
      metric: 'call_notes_approved',
    });
    expect(meterOf({ type: EVENT_TYPES.aiDraftApproved, data: { kind: 'case_summary' } })).toEqual({
      service: 'ai',
      metric: 'case_summaries_approved',
    });
    expect(meterOf({ type: EVENT_TYPES.aiDraftApproved, data: {} })).toBeUndefined();
  });

  it('meters a confirmed home-care deviation once and its whole kronor as an amount, in a batch as one by one', async () => {
    // The handler takes every type meterOf meters (the outbox hands it nothing else).
    expect(handler.types).toEqual(expect.arrayContaining([EVENT_TYPES.aiDraftApproved, EVENT_TYPES.homeCareDeviationConfirmed]));
    const confirmed = (iso: string, amountSek: number): OutboxEvent => ({
      id: randomUUID(),
      tenantId: ange.id,
      type: EVENT_TYPES.homeCareDeviationConfirmed,
      source: '/home-care',
      subject: null,
      data: { reviewId: randomUUID(), month: '2025-04', rule: 'HC1', amountSek, providers: [], confirmedAt: iso },
      occurredAt: new Date(iso),
      attempts: 0,
    });
    expect(metersOf(confirmed('2025-05-05T10:00:00Z', 0))).toEqual([{ service: 'home-care', metric: 'deviations_confirmed' }]);
    expect(meterOf({ type: EVENT_TYPES.homeCareDeviationConfirmed, data: {} })).toBeUndefined();
    const events = [
      confirmed('2025-05-05T10:00:00Z', 1500),
      confirmed('2025-05-06T10:00:00Z', 337.5),
      confirmed('2025-05-07T10:00:00Z', 0),
    ];
    await inTenant(ange, () => db().transaction((em) => handler.handle(events[0], em)));
    await inTenant(ange, () => db().transaction((em) => handler.handleBatch(events, em)));
    await inTenant(ange, () => db().transaction((em) => handler.handleBatch(events, em)));
    const rows = await inTenant(ange, () => db().transaction((em) => usage.forTenant(em, ange.id)));
    // Three deviations; 1500 + 338 (337.50 rounded) + 0 kronor.
    expect(rows.filter((r) => r.service === 'home-care').map((r) => `${r.month} ${r.metric} ${r.count}`)).toEqual([
      '2025-05-01 deviation_sek_confirmed 1838',
      '2025-05-01 deviations_confirmed 3',
    ]);
  });

  it('meters nothing from events it does not count, and keeps no trace of who', () => {
    expect(meterOf({ type: EVENT_TYPES.formCompletionRequested, data: {} })).toBeUndefined();
    expect(meterOf({ type: EVENT_TYPES.mailDeliveryStatusChanged, data: { status: 'SENT', channel: null } })).toBeUndefined();
    expect(meterOf({ type: EVENT_TYPES.formDecisionMade, data: {} })).toBeUndefined();
  });

  it("keeps each municipality's usage to itself and lets only aggregates across", async () => {
    // Inside Ånge's context, Sundsvall's rows are invisible even when asked for by id.
    const forged = await inTenant(ange, () =>
      db().transaction((em) => em.query(`SELECT * FROM catalogue_usage_monthly WHERE tenant_id = $1`, [sundsvall.id])),
    );
    expect(forged).toEqual([]);
    await expect(
      inTenant(ange, () => db().transaction((em) => usage.increment(em, sundsvall.id, 'e-forms', 'submissions', '2025-01-01', 1000))),
    ).rejects.toThrow(/row-level security/);
    // Outside any municipality the table shows nothing …
    expect(await db().platformTransaction((em) => em.query(`SELECT * FROM catalogue_usage_monthly`))).toEqual([]);
    expect(await db().platformTransaction((em) => em.query(`SELECT * FROM catalogue_processed_event`))).toEqual([]);
    // … and the steering group's function returns the counts of both, and nothing else.
    const month = stockholmMonth(new Date());
    const across = await usage.acrossTenants(db().dataSource.manager, month, month);
    expect(new Set(across.map((r) => r.tenantId))).toEqual(new Set([sundsvall.id, ange.id]));
    const [raw] = await db().dataSource.query(`SELECT * FROM catalogue_usage_between($1::date, $1::date) LIMIT 1`, [month]);
    expect(Object.keys(raw).sort()).toEqual(['count', 'metric', 'month', 'service', 'tenant_id']);
  });

  it('refuses a month that is not the first of a month, and a negative count', async () => {
    await expect(
      inTenant(ange, () => db().transaction((em) => usage.increment(em, ange.id, 'e-forms', 'submissions', '2025-01-15', 1))),
    ).rejects.toThrow(/CHK_catalogue_usage_monthly_month/);
    await expect(
      inTenant(ange, () => db().transaction((em) => usage.increment(em, ange.id, 'e-forms', 'x', '2025-01-01', -1))),
    ).rejects.toThrow(/CHK_catalogue_usage_monthly_count/);
  });
});
