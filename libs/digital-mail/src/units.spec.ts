import { OutboxDispatcher, recordEvent } from '@kommuna/platform-events';
import { PartyRegister, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { createTestTenants, testPersonnummer, useTestDatabase } from '@kommuna/platform-testing';
import { CaseNotificationData, EVENT_TYPES } from '@kommuna/shared-service-contracts';
import {
  CaseNotificationHandler,
  MailScope,
  MessageService,
  Sender,
  SendBatchService,
  StatisticsService,
  TemplateService,
  unitScope,
  WHOLE_MUNICIPALITY,
} from './index';
import { digitalMailService, inTenant, saveTemplate, TEST_SCHEMA } from './testing/fixtures';

/**
 * Unit secrecy (issue 23, fault 3): a school case worker listed a social-services notice ("Det
 * finns ett beslut i ditt ärende: SOC-…") with the recipient's party id, read a letter by id and
 * sent under department "socialtjanst". Letters, bulk sends, templates and statistics now follow
 * the case rules: a unit sees and sends only its own; the municipality's systems span every unit.
 */
describe('digital mail keeps units apart', () => {
  const db = useTestDatabase(TEST_SCHEMA);
  let sundsvall: Tenant;
  let directory: TenantDirectory;
  let messages: MessageService;
  let templates: TemplateService;
  let batches: SendBatchService;
  let statistics: StatisticsService;
  const social = unitScope('socialtjanst');
  const school = unitScope('skola');
  const socialWorker: Sender = { kind: 'user', id: 'handlaggare-social' };
  const schoolWorker: Sender = { kind: 'user', id: 'handlaggare-skola' };
  const system: Sender = { kind: 'system', id: 'sundsvall-system' };
  let socialLetter: string;
  let socialNotice: string;
  let schoolLetter: string;

  const as = <T>(work: () => Promise<T>) => inTenant(sundsvall, work);
  const letter = (extra: Record<string, unknown> = {}) => ({
    recipient: testPersonnummer(501),
    subject: 'Beslut om bistånd',
    body: 'Hemligt.',
    ...extra,
  });

  beforeAll(async () => {
    [sundsvall] = await createTestTenants(db(), {
      slug: 'sundsvall',
      services: digitalMailService({ departments: { socialtjanst: { supportInfo: { text: 'Ring socialtjänsten' } }, skola: {} } }),
    });
    directory = new TenantDirectory(db());
    await directory.sync([sundsvall.config]);
    messages = new MessageService(db(), directory);
    templates = new TemplateService(db());
    batches = new SendBatchService(db(), directory, templates);
    statistics = new StatisticsService(db());

    socialLetter = (await as(() => messages.send(letter(), socialWorker, social))).id;
    schoolLetter = (await as(() => messages.send(letter({ subject: 'Skolskjuts' }), schoolWorker, school))).id;
    // A Mina sidor decision on a social-services case: its notice belongs to that unit.
    const partyId = await new PartyRegister(db()).partyIdFor('person', testPersonnummer(502));
    await as(() =>
      db().transaction((em) =>
        recordEvent<CaseNotificationData>(em, {
          type: EVENT_TYPES.caseDecisionRecorded,
          source: '/minasidor',
          data: {
            caseId: '5f0e8a52-2a0c-4d0a-9a51-7c1d1a2b3c4d',
            errandNumber: 'SOC-2025-2210',
            subjectPartyId: partyId,
            unit: 'socialtjanst',
            title: { sv: 'Försörjningsstöd', en: 'Income support' },
            occurredAt: '2026-11-25T10:00:00.000Z',
          },
        }),
      ),
    );
    await new OutboxDispatcher(db(), [new CaseNotificationHandler(directory)]).drain();
    const notices = await as(() => messages.list(WHOLE_MUNICIPALITY, { limit: 500 }));
    socialNotice = notices.find((m) => m.subject.includes('SOC-2025-2210'))!.id;
  });

  it('a case worker lists and reads only their own unit’s letters; the municipality’s systems see all', async () => {
    const listed = (scope: MailScope) => as(() => messages.list(scope)).then((views) => views.map((v) => v.id).sort());
    expect(await listed(school)).toEqual([schoolLetter]);
    expect(await listed(social)).toEqual([socialLetter, socialNotice].sort());
    expect(await listed(WHOLE_MUNICIPALITY)).toEqual([socialLetter, socialNotice, schoolLetter].sort());
    // Filtering by the other unit's department finds nothing either.
    expect(await as(() => messages.list(school, { department: 'socialtjanst' }))).toEqual([]);

    for (const id of [socialLetter, socialNotice]) {
      await expect(as(() => messages.get(id, school))).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect((await as(() => messages.get(id, social))).department).toBe('socialtjanst');
    }
    expect((await as(() => messages.get(socialNotice, social))).subject).toBe('Det finns ett beslut i ditt ärende: SOC-2025-2210');
    expect((await as(() => messages.get(schoolLetter, WHOLE_MUNICIPALITY))).department).toBe('skola');
  });

  it('a case worker sends under their own unit only (by default), a municipal system under any', async () => {
    const before = await as(() => messages.list(WHOLE_MUNICIPALITY, { limit: 500 }));
    await expect(as(() => messages.send(letter({ department: 'socialtjanst' }), schoolWorker, school))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(as(() => messages.send(letter({ department: ' socialtjanst ' }), schoolWorker, school))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await as(() => messages.list(WHOLE_MUNICIPALITY, { limit: 500 }))).toHaveLength(before.length);
    // Same unit named explicitly: fine; the department's support info applies.
    expect(await as(() => messages.send(letter({ department: 'skola', subject: 'Ny skola' }), schoolWorker, school))).toMatchObject({
      department: 'skola',
    });
    expect(
      await as(() =>
        messages.send(letter({ department: 'socialtjanst', subject: 'Från verksamhetssystemet' }), system, WHOLE_MUNICIPALITY),
      ),
    ).toMatchObject({ department: 'socialtjanst' });
    // No unit in the token: nothing at all (as for cases).
    expect(() => unitScope(undefined)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => unitScope('  ')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });

  it('an idempotency key does not open another unit’s letter', async () => {
    await as(() => messages.send(letter({ idempotencyKey: 'soc-77' }), socialWorker, social));
    await expect(as(() => messages.send(letter({ idempotencyKey: 'soc-77' }), schoolWorker, school))).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('templates: a unit’s template is used by that unit only, a shared one by every unit; bulk sends follow', async () => {
    await saveTemplate(
      db(),
      sundsvall,
      {
        name: 'bistand-beslut',
        department: 'socialtjanst',
        subject: { sv: 'Beslut {{nr}}', en: 'Decision {{nr}}' },
        body: { sv: 'Hej', en: 'Hi' },
      },
      system,
    );
    await saveTemplate(
      db(),
      sundsvall,
      { name: 'allman-info', subject: { sv: 'Information', en: 'Information' }, body: { sv: 'Hej', en: 'Hi' } },
      system,
    );
    const names = (scope: MailScope) => as(() => templates.list(scope)).then((list) => list.map((t) => t.name).sort());
    expect(await names(school)).toEqual(['allman-info']);
    expect(await names(social)).toEqual(['allman-info', 'bistand-beslut']);
    expect(await names(WHOLE_MUNICIPALITY)).toEqual(['allman-info', 'bistand-beslut']);
    const socialTemplate = await as(() => templates.get({ name: 'bistand-beslut' }, social));
    expect(socialTemplate.department).toBe('socialtjanst');
    await expect(as(() => templates.get({ id: socialTemplate.id }, school))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(as(() => templates.preview({ name: 'bistand-beslut' }, 'sv', { nr: '1' }, school))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    // A case worker saves only for their own unit.
    await expect(
      as(() =>
        templates.save(
          { name: 'x', department: 'socialtjanst', subject: { sv: 's', en: 's' }, body: { sv: 'b', en: 'b' } },
          schoolWorker,
          school,
        ),
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });

    const rows = [{ recipient: testPersonnummer(510), values: { nr: '1' } }];
    await expect(as(() => batches.create({ template: { name: 'bistand-beslut' } }, rows, schoolWorker, school))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      as(() => batches.create({ template: { name: 'allman-info' }, department: 'socialtjanst' }, rows, schoolWorker, school)),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // A unit's template goes out under that unit, even when a system sends it.
    await expect(
      as(() => batches.create({ template: { name: 'bistand-beslut' }, department: 'skola' }, rows, system, WHOLE_MUNICIPALITY)),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const socialBatch = await as(() => batches.create({ template: { name: 'bistand-beslut' } }, rows, system, WHOLE_MUNICIPALITY));
    expect(socialBatch.department).toBe('socialtjanst');
    const schoolBatch = await as(() =>
      batches.create({ template: { name: 'allman-info' } }, [{ recipient: testPersonnummer(511) }], schoolWorker, school),
    );
    expect(schoolBatch.department).toBe('skola');
    await expect(as(() => batches.progress(socialBatch.id, school))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await as(() => batches.progress(socialBatch.id, social))).total).toBe(1);
    expect((await as(() => batches.progress(schoolBatch.id, WHOLE_MUNICIPALITY))).total).toBe(1);
  });

  it('statistics: a case worker counts their own unit, the municipality every unit', async () => {
    const departments = (scope: MailScope) =>
      as(() => statistics.monthly(scope)).then((rows) => [...new Set(rows.map((r) => r.department))].sort());
    expect(await departments(school)).toEqual(['skola']);
    expect(await departments(social)).toEqual(['socialtjanst']);
    expect(await departments(WHOLE_MUNICIPALITY)).toEqual(['skola', 'socialtjanst']);
    const total = (scope: MailScope) => as(() => statistics.monthly(scope)).then((rows) => rows.reduce((sum, r) => sum + r.total, 0));
    expect((await total(school)) + (await total(social))).toBe(await total(WHOLE_MUNICIPALITY));
  });
});
