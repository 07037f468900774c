import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { CloudEvent, HTTP } from 'cloudevents';
import { connect, headers as natsHeaders, NatsConnection } from 'nats';
import { AUDIT_DATABASE_SCHEMA } from '@kommuna/platform-audit';
import type { Principal } from '@kommuna/platform-auth';
import {
  INBOUND_EVENTS_DATABASE_SCHEMA,
  INBOUND_STREAM,
  InboundEvents,
  InboundEventTypes,
  inboundSubject,
  NatsInboundConsumer,
  OutboxDispatcher,
} from '@kommuna/platform-events';
import { DatabaseSchema, PartyRegister, PLATFORM_DATABASE_SCHEMA, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { createTestTenants, inTenant, testPersonnummer, useTestDatabase } from '@kommuna/platform-testing';
import { EVENT_TYPES, RuleDecisionMadeData, RuleLetterRequestedData } from '@kommuna/shared-service-contracts';
import { RuleEngine } from './engine';
import { RuleBook } from './rule-book';
import { readRuleFiles } from './rule-files';
import { RULES_DATABASE_SCHEMA } from './schema';

const schemas = [PLATFORM_DATABASE_SCHEMA, AUDIT_DATABASE_SCHEMA, INBOUND_EVENTS_DATABASE_SCHEMA, RULES_DATABASE_SCHEMA];
const SCHEMA: DatabaseSchema = { entities: schemas.flatMap((s) => s.entities as []), migrations: schemas.flatMap((s) => s.migrations) };
const TENANTS_DIR = path.resolve(__dirname, '../../../tenants');
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const POLLEN = 'se.kommuna.sensor.pollen.level-measured.v1';
const AGE = 'se.kommuna.population.resident.age-reached.v1';

const principal = (tenant: Tenant, roles: Principal['roles'], unit?: string): Principal => ({
  subject: `${roles[0]}-${unit ?? 'x'}`,
  issuer: 'test',
  roles,
  organizations: [tenant.slug],
  unit,
});
const reading = (level: number, pollen = 'björk', area = 'Haga') => ({
  station: 'S-12',
  area,
  pollen,
  level,
  measuredAt: '2026-05-02T06:00:00Z',
});
const pollenEvent = (level: number, pollen = 'björk') =>
  new CloudEvent<unknown>({ id: randomUUID(), source: '/sensors/pollen/S-12', type: POLLEN, data: reading(level, pollen) });

describe('rules on inbound events', () => {
  const db = useTestDatabase(SCHEMA);
  const run = randomBytes(4).toString('hex');
  let sundsvall: Tenant;
  let timra: Tenant;
  let directory: TenantDirectory;
  let inbound: InboundEvents;
  let book: RuleBook;
  const shipped = readRuleFiles(TENANTS_DIR, ['sundsvall']);

  beforeAll(async () => {
    const rules = { rules: { stage: 'piloting' as const } };
    [sundsvall, timra] = await createTestTenants(
      db(),
      { slug: `sundsvall-${run}`, services: rules },
      { slug: `timra-${run}`, services: rules },
    );
    directory = new TenantDirectory(db());
    await directory.sync([sundsvall.config, timra.config]);
    const slugs = new Map([sundsvall, timra].map((t) => [t.id, t.slug]));
    inbound = new InboundEvents(db(), new PartyRegister(db()), new InboundEventTypes(db()), (id) => slugs.get(id));
    book = new RuleBook(db());
    // Sundsvall's shipped rules (tenants/sundsvall/rules) in this run's Sundsvall; Timrå has none.
    for (const rule of shipped) await inTenant(sundsvall, () => book.saveAs({ kind: 'file', path: rule.file }, rule.definition));
  });

  const deliver = (tenant: Tenant, events: CloudEvent<unknown>[]) =>
    inTenant(tenant, () => inbound.accept(events, { via: 'http', from: 'test' }));
  const dispatch = () => new OutboxDispatcher(db(), [new RuleEngine(directory)]).drain();
  const sql = (tenant: Tenant, query: string, params: unknown[] = []) =>
    inTenant(tenant, () => db().transaction((em) => em.query(query, params)));
  const hemtjanst = (tenant: Tenant) => principal(tenant, ['case_worker'], 'hemtjanst');
  const admin = (tenant: Tenant) => principal(tenant, ['tenant_admin']);

  it('ships the pollen rule and a proactive decision for Sundsvall, valid against the shared inbound types', () => {
    expect(shipped.map((r) => [r.definition.key, r.definition.eventType, r.definition.action.kind])).toEqual([
      ['pollen-extra-hemtjanst', POLLEN, 'task'],
      ['seniorkort-75', AGE, 'decision'],
    ]);
  });

  describe('the pollen rule end to end through NATS JetStream (real server)', () => {
    let nc: NatsConnection;
    let consumer: NatsInboundConsumer;
    beforeAll(async () => {
      nc = await connect({ servers: NATS_URL });
      consumer = new NatsInboundConsumer(nc, inbound, {
        tenantOf: (slug) => directory.findBySlug(slug),
        durableName: `rules-spec-${run}`,
        filterSubject: `kommuna.inbound.${sundsvall.slug}.>`,
      });
      await consumer.ensureConsumer();
    });
    afterAll(async () => {
      await (await nc?.jetstreamManager())?.consumers.delete(INBOUND_STREAM, `rules-spec-${run}`).catch(() => undefined);
      await nc?.drain();
    });

    it("a sensor's high reading published to Sundsvall's subject puts one task in its home-care unit's inbox, fired by the rule's version and audited", async () => {
      const high = pollenEvent(4);
      const low = pollenEvent(1);
      for (const event of [high, low]) {
        const message = HTTP.binary(event);
        const headers = natsHeaders();
        for (const [name, value] of Object.entries(message.headers)) headers.set(name, String(value));
        await nc
          .jetstream()
          .publish(inboundSubject(sundsvall.slug, POLLEN), new TextEncoder().encode(String(message.body)), { headers, msgID: event.id });
      }
      expect(await consumer.takeOnce(10, 2000)).toBe(2);
      expect(await dispatch()).toBeGreaterThanOrEqual(2);

      const tasks = await inTenant(sundsvall, () => book.tasks(hemtjanst(sundsvall)));
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({
        unit: 'hemtjanst',
        status: 'OPEN',
        title: { sv: 'Högt pollenhalt i Haga: planera extra besök hos allergiker' },
      });
      expect(tasks[0].description.sv).toContain('Sensor S-12 mätte nivå 4 (0–4) av björk');
      const [firing] = await inTenant(sundsvall, () => book.firings(admin(sundsvall), { ruleKey: 'pollen-extra-hemtjanst' }));
      expect(firing).toMatchObject({
        ruleVersion: 1,
        eventId: high.id,
        eventSource: '/sensors/pollen/S-12',
        actionKind: 'task',
        outcome: { taskId: tasks[0].id },
      });
      const audit = await sql(sundsvall, `SELECT actor, action, details FROM audit_log WHERE action = 'rules.rule.fired'`);
      expect(audit).toEqual([
        expect.objectContaining({
          actor: 'system:rule:pollen-extra-hemtjanst',
          details: expect.objectContaining({
            ruleVersion: 1,
            eventId: high.id,
            inboundEventId: firing.inboundEventId,
            taskId: tasks[0].id,
          }),
        }),
      ]);
      // Timrå has no rules: nothing fired there, and its inbox is empty.
      expect(await inTenant(timra, () => book.tasks(hemtjanst(timra)))).toEqual([]);
    });
  });

  it('fires each rule once per event, even when the outbox delivers the event again', async () => {
    const [accepted] = await deliver(sundsvall, [pollenEvent(3, 'gräs')]);
    const [outboxRow] = await sql(sundsvall, `SELECT id, type, source, subject, data, occurred_at FROM outbox_event WHERE subject = $1`, [
      accepted.inboundEventId,
    ]);
    const engine = new RuleEngine(directory);
    const event = { ...outboxRow, tenantId: sundsvall.id, occurredAt: new Date(outboxRow.occurred_at), attempts: 0 };
    await inTenant(sundsvall, () => db().transaction((em) => engine.handle(event, em)));
    await inTenant(sundsvall, () => db().transaction((em) => engine.handle(event, em)));
    expect(await sql(sundsvall, `SELECT id FROM rule_firing WHERE inbound_event_id = $1`, [accepted.inboundEventId])).toHaveLength(1);
    expect(
      await sql(sundsvall, `SELECT t.id FROM rule_task t JOIN rule_firing f ON f.id = t.firing_id WHERE f.inbound_event_id = $1`, [
        accepted.inboundEventId,
      ]),
    ).toHaveLength(1);
  });

  it('makes a proactive automated decision with its reasons and legal basis, for the resident the event names', async () => {
    const personnummer = testPersonnummer(75);
    await deliver(sundsvall, [
      new CloudEvent<unknown>({
        id: randomUUID(),
        source: '/folkbokforing',
        type: AGE,
        data: { personnummer, age: 75, reachedOn: '2026-05-02' },
      }),
    ]);
    await deliver(sundsvall, [
      new CloudEvent<unknown>({
        id: randomUUID(),
        source: '/folkbokforing',
        type: AGE,
        data: { personnummer: testPersonnummer(74), age: 74, reachedOn: '2026-05-02' },
      }),
    ]);
    await dispatch();
    const partyId = await new PartyRegister(db()).partyIdFor('person', personnummer);
    const decisions: Array<{ data: RuleDecisionMadeData }> = await sql(sundsvall, `SELECT data FROM outbox_event WHERE type = $1`, [
      EVENT_TYPES.ruleDecisionMade,
    ]);
    expect(decisions).toHaveLength(1);
    expect(decisions[0].data).toMatchObject({
      ruleKey: 'seniorkort-75',
      ruleVersion: 1,
      subjectPartyId: partyId,
      subjectKind: 'person',
      outcome: 'approval',
      automated: true,
      unit: 'kollektivtrafik',
      legalBasis: { sfs: '2017:900', section: '28' },
      reasons: [expect.objectContaining({ ruleId: 'seniorkort-75', legalBasis: expect.objectContaining({ sfs: '2017:725' }) })],
    });
    expect(decisions[0].data.errandNumber).toMatch(/^REGEL-\d{4}-[0-9A-F]{8}$/);
    expect(JSON.stringify(decisions)).not.toContain(personnummer);
  });

  it("dates a decision made in the hour after Sweden's midnight by Sweden's day, not UTC's (validity and errand year)", async () => {
    const personnummer = testPersonnummer(76);
    const [accepted] = await deliver(sundsvall, [
      new CloudEvent<unknown>({
        id: randomUUID(),
        source: '/folkbokforing',
        type: AGE,
        data: { personnummer, age: 76, reachedOn: '2026-12-31' },
      }),
    ]);
    const [outboxRow] = await sql(sundsvall, `SELECT id, type, source, subject, data, occurred_at FROM outbox_event WHERE subject = $1`, [
      accepted.inboundEventId,
    ]);
    // 00:30 on 1 January 2027 in Sweden; UTC's date is still 31 December 2026.
    const engine = new RuleEngine(directory, () => new Date('2026-12-31T23:30:00Z'));
    const event = { ...outboxRow, tenantId: sundsvall.id, occurredAt: new Date(outboxRow.occurred_at), attempts: 0 };
    await inTenant(sundsvall, () => db().transaction((em) => engine.handle(event, em)));
    const partyId = await new PartyRegister(db()).partyIdFor('person', personnummer);
    const [decision]: Array<{ data: RuleDecisionMadeData }> = await sql(
      sundsvall,
      `SELECT data FROM outbox_event WHERE type = $1 AND data->>'subjectPartyId' = $2`,
      [EVENT_TYPES.ruleDecisionMade, partyId],
    );
    // seniorkort-75 holds for 1826 days: from 1 January 2027 to 1 January 2032, whatever the clocks do in between.
    expect(decision.data).toMatchObject({ validFrom: '2027-01-01', validTo: '2032-01-01' });
    expect(decision.data.errandNumber).toMatch(/^REGEL-2027-/);
  });

  it('versions a rule on each save by its admin; a firing names the version that fired; the shipped file no longer overrides it', async () => {
    const [current] = await inTenant(sundsvall, () => book.versions(admin(sundsvall), 'pollen-extra-hemtjanst'));
    const letter = {
      ...current.definition,
      condition: { '>=': [{ var: 'data.level' }, 2] },
      action: {
        kind: 'letter' as const,
        recipient: 'subject',
        templateName: 'pollenvarning',
        unit: 'hemtjanst',
        values: { omrade: 'data.area' },
      },
    };
    const saved = await inTenant(sundsvall, () => book.save(admin(sundsvall), letter));
    expect(saved.version).toBe(2);
    // Saving the same again changes nothing; the shipped file does not take the rule back.
    expect((await inTenant(sundsvall, () => book.save(admin(sundsvall), letter))).version).toBe(2);
    const file = shipped.find((r) => r.definition.key === 'pollen-extra-hemtjanst')!;
    expect((await inTenant(sundsvall, () => book.saveAs({ kind: 'file', path: file.file }, file.definition))).version).toBe(2);

    const partyId = await new PartyRegister(db()).partyIdFor('person', testPersonnummer(12));
    const event = new CloudEvent<unknown>({
      id: randomUUID(),
      source: '/sensors/pollen/S-12',
      type: POLLEN,
      subject: partyId,
      data: reading(2),
    });
    await deliver(sundsvall, [event]);
    await dispatch();
    const [firing] = await inTenant(sundsvall, () => book.firings(admin(sundsvall), { ruleKey: 'pollen-extra-hemtjanst', first: 1 }));
    expect(firing).toMatchObject({ ruleVersion: 2, eventId: event.id, actionKind: 'letter' });
    const [letterEvent]: Array<{ data: RuleLetterRequestedData }> = await sql(sundsvall, `SELECT data FROM outbox_event WHERE type = $1`, [
      EVENT_TYPES.ruleLetterRequested,
    ]);
    expect(letterEvent.data).toMatchObject({
      ruleVersion: 2,
      templateName: 'pollenvarning',
      recipientPartyId: partyId,
      values: { omrade: 'Haga' },
    });

    // Disabled: a new version, and it fires no more.
    expect((await inTenant(sundsvall, () => book.setEnabled(admin(sundsvall), 'pollen-extra-hemtjanst', false))).version).toBe(3);
    const later = pollenEvent(4);
    await deliver(sundsvall, [later]);
    await dispatch();
    expect(await sql(sundsvall, `SELECT id FROM rule_firing WHERE event_id = $1`, [later.id])).toEqual([]);
    expect(
      (await sql(sundsvall, `SELECT action FROM audit_log WHERE action = 'rules.rule.saved' ORDER BY seq`)).length,
    ).toBeGreaterThanOrEqual(4);
  });

  it("keeps municipalities apart: a rule sees only its own municipality's events, and its admin sees only its rules", async () => {
    const admins = { sundsvall: admin(sundsvall), timra: admin(timra) };
    const timraRule = {
      key: 'timra-pollen',
      name: { sv: 'Pollen', en: 'Pollen' },
      eventType: POLLEN,
      condition: true,
      action: { kind: 'task' as const, unit: 'hemtjanst', title: { sv: 'Timrå', en: 'Timrå' }, description: { sv: 'x', en: 'x' } },
    };
    await inTenant(timra, () => book.save(admins.timra, timraRule));
    expect((await inTenant(sundsvall, () => book.list(admins.sundsvall))).map((r) => r.key)).not.toContain('timra-pollen');
    await expect(inTenant(sundsvall, () => book.versions(admins.sundsvall, 'timra-pollen'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const before = (await inTenant(sundsvall, () => book.firings(admins.sundsvall, { first: 200 }))).length;
    await deliver(timra, [pollenEvent(0)]);
    await dispatch();
    expect(await inTenant(timra, () => book.tasks(hemtjanst(timra)))).toEqual([
      expect.objectContaining({ title: { sv: 'Timrå', en: 'Timrå' } }),
    ]);
    expect(await inTenant(sundsvall, () => book.firings(admins.sundsvall, { first: 200 }))).toHaveLength(before);
  });

  it('shows a task only to case workers of its unit, and lets only them close it', async () => {
    const [task] = await inTenant(sundsvall, () => book.tasks(hemtjanst(sundsvall)));
    const skola = principal(sundsvall, ['case_worker'], 'skola');
    expect(await inTenant(sundsvall, () => book.tasks(skola))).toEqual([]);
    await expect(inTenant(sundsvall, () => book.completeTask(skola, task.id))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(inTenant(sundsvall, () => book.tasks(admin(sundsvall)))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(inTenant(timra, () => book.completeTask(hemtjanst(timra), task.id))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await inTenant(sundsvall, () => book.completeTask(hemtjanst(sundsvall), task.id))).toMatchObject({
      status: 'DONE',
      doneBy: 'staff:case_worker-hemtjanst',
    });
  });

  it('refuses a bad rule with every problem named, and a case worker managing rules', async () => {
    const bad = {
      key: 'Bad Key',
      name: { sv: 'x', en: 'x' },
      eventType: 'se.sundsvall.not.registered.v1',
      condition: { log: [{ var: 'data.level' }] },
      action: { kind: 'task', unit: 'hemtjanst', title: { sv: 'x', en: 'x' }, description: { sv: 'x', en: 'x' } },
    };
    await expect(inTenant(sundsvall, () => book.save(admin(sundsvall), bad))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { problems: [expect.objectContaining({ path: 'key' })] },
    });
    const error = await inTenant(sundsvall, () => book.save(admin(sundsvall), { ...bad, key: 'bad' })).catch((e: unknown) => e);
    expect((error as { details: { problems: Array<{ path: string }> } }).details.problems.map((p) => p.path)).toEqual([
      'condition/log',
      'eventType',
    ]);
    await expect(
      inTenant(sundsvall, () =>
        book.save(admin(sundsvall), { ...bad, key: 'bad', eventType: POLLEN, condition: { '>': [{ var: 'process.env' }, 1] } }),
      ),
    ).rejects.toThrow('reads the event');
    await expect(inTenant(sundsvall, () => book.save(hemtjanst(sundsvall), { ...bad, key: 'bad' }))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});

describe('shipped rule files', () => {
  it('are refused at start-up and in tenants:validate with file and field when wrong', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rules-'));
    fs.mkdirSync(path.join(dir, 'ange', 'rules'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'ange', 'rules', 'bad.yaml'),
      'key: bad\nname: { sv: x, en: x }\neventType: se.ange.own.type.v1\ncondition: { log: 1 }\naction: { kind: task, unit: Hemtjänst }\n',
    );
    expect(() => readRuleFiles(dir, ['ange'])).toThrow(/tenants\/ange\/rules\/bad\.yaml: action\.unit: /);
    fs.writeFileSync(
      path.join(dir, 'ange', 'rules', 'bad.yaml'),
      'key: bad\nname: { sv: x, en: x }\neventType: se.ange.own.type.v1\ncondition: { log: 1 }\naction: { kind: task, unit: hemtjanst, title: { sv: x, en: x }, description: { sv: x, en: x } }\n',
    );
    expect(() => readRuleFiles(dir, ['ange'])).toThrow(
      'tenants/ange/rules/bad.yaml: condition/log: unknown or disallowed JSON Logic operator "log"\ntenants/ange/rules/bad.yaml: eventType: se.ange.own.type.v1 is not a shared inbound type',
    );
  });
});
