import fc from 'fast-check';
import type { Principal } from '@kommuna/platform-auth';
import { PartyRegister, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { buildTenantConfig, testPersonnummer, useTestDatabase } from '@kommuna/platform-testing';
import { EVENT_TYPES } from '@kommuna/shared-service-contracts';
import { EFormsError } from './errors';
import type { ResidentRecord } from './prefill';
import { CaseWorkService } from './services/case-work.service';
import { CitizenFormsService } from './services/citizen-forms.service';
import { FormAdminService } from './services/form-admin.service';
import { FormCatalogService } from './services/form-catalog.service';
import { E_FORMS_TEST_SCHEMA, exampleDefinition, PDF, pdfText, PNG } from './test-support';

const staff = (tenant: Tenant, roles: Principal['roles'], unit?: string): Principal => ({
  subject: `staff-${tenant.slug}-${unit ?? roles[0]}`,
  issuer: 'test',
  roles,
  organizations: [tenant.slug],
  unit,
});

async function failure(work: Promise<unknown>): Promise<EFormsError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof EFormsError || (error as { code?: string }).code) return error as EFormsError;
    throw error;
  }
  throw new Error('expected an error, got success');
}

describe('e-forms services on the database', () => {
  const db = useTestDatabase(E_FORMS_TEST_SCHEMA);
  let directory: TenantDirectory;
  let sundsvall: Tenant;
  let ange: Tenant;
  let harnosand: Tenant;
  let anna: string;
  let erik: string;
  let clock = new Date('2025-03-04T13:05:00Z');
  const now = () => new Date(clock);
  let admin: FormAdminService;
  let catalog: FormCatalogService;
  let citizen: CitizenFormsService;
  let cases: CaseWorkService;

  beforeAll(async () => {
    directory = new TenantDirectory(db());
    [sundsvall, ange, harnosand] = await directory.sync([
      buildTenantConfig({
        slug: 'sundsvall',
        services: { 'e-forms': { stage: 'production', settings: { automatedDecisions: ['parkering'] } } },
      }),
      buildTenantConfig({ slug: 'ange', services: { 'e-forms': { stage: 'production', settings: { errandNumberPrefix: 'ANG' } } } }),
      // Uses e-forms without an errand number prefix of its own.
      buildTenantConfig({ slug: 'harnosand', services: { 'e-forms': { stage: 'piloting', settings: {} } } }),
    ]);
    const parties = new PartyRegister(db());
    anna = await parties.partyIdFor('person', testPersonnummer(1));
    erik = await parties.partyIdFor('person', testPersonnummer(2));
    admin = new FormAdminService(db(), directory);
    catalog = new FormCatalogService(db(), directory);
    citizen = new CitizenFormsService(db(), directory, { now });
    cases = new CaseWorkService(db(), directory, { now });
  });

  const inTenant = <T>(tenant: Tenant, work: () => Promise<T>, subjectId?: string) =>
    requestContext.run({ requestId: 'test', tenantId: tenant.id, tenantSlug: tenant.slug, subjectId }, work);
  const asAdmin = <T>(tenant: Tenant, work: (p: Principal) => Promise<T>) => inTenant(tenant, () => work(staff(tenant, ['tenant_admin'])));
  const asCitizen = <T>(tenant: Tenant, party: string, work: () => Promise<T>) => inTenant(tenant, work, party);
  const asCaseWorker = <T>(tenant: Tenant, unit: string | undefined, work: (p: Principal) => Promise<T>) =>
    inTenant(tenant, () => work(staff(tenant, ['case_worker'], unit)));
  const sql = (tenant: Tenant, query: string, params: unknown[] = []) =>
    inTenant(tenant, () => db().transaction((em) => em.query(query, params)));
  const counts = async (tenant: Tenant) => {
    const [row] = await sql(
      tenant,
      `SELECT (SELECT count(*) FROM eforms_submission)::int AS submissions, (SELECT count(*) FROM outbox_event)::int AS events,
              (SELECT count(*) FROM eforms_decision)::int AS decisions, (SELECT coalesce(sum(last_value), 0) FROM eforms_errand_counter)::int AS numbers`,
    );
    return row;
  };
  const answers = (extra: Record<string, unknown> = {}) => ({
    roll: 'forare',
    telefon: '060-19 10 00',
    funktionsnedsattning: 'Svår artros i båda knäna.',
    varaktighetManader: 24,
    gangstrackaMeter: 50,
    harLakarintyg: false,
    ...extra,
  });
  let keys = 0;
  const key = () => `test-key-${++keys}-${Math.random().toString(36).slice(2)}`;

  describe('an admin publishes, versions and retires a form', () => {
    it('creates a draft 1.0 that citizens cannot see until it is published', async () => {
      const form = await asAdmin(sundsvall, (p) =>
        admin.createForm(p, {
          slug: 'parkering',
          unit: 'socialtjanst',
          definition: exampleDefinition('parkeringstillstand'),
          changelog: 'Första versionen',
        }),
      );
      expect(form).toMatchObject({
        slug: 'parkering',
        unit: 'socialtjanst',
        currentVersion: null,
        versions: [{ version: '1.0', status: 'draft' }],
      });
      expect((await failure(inTenant(sundsvall, () => catalog.getPublished('parkering')))).code).toBe('FORM_NOT_PUBLISHED');
      const published = await asAdmin(sundsvall, (p) => admin.publishFormVersion(p, 'parkering', '1.0'));
      expect(published).toMatchObject({ version: '1.0', status: 'published', publishedAt: expect.any(Date) });
      const list = await inTenant(sundsvall, () => catalog.listPublished());
      expect(list.map((f) => [f.slug, f.version, f.title.sv])).toEqual([
        ['parkering', '1.0', 'Ansök om parkeringstillstånd för rörelsehindrade'],
      ]);
      // Another municipality does not see it.
      expect(await inTenant(ange, () => catalog.listPublished())).toEqual([]);
    });

    it('refuses a definition that is not a valid form, listing the problems', async () => {
      const bad = exampleDefinition('parkeringstillstand');
      delete bad.dataSchema.additionalProperties;
      const error = await failure(
        asAdmin(sundsvall, (p) => admin.createForm(p, { slug: 'trasig', unit: 'socialtjanst', definition: bad, changelog: 'x' })),
      );
      expect(error.code).toBe('FORM_DEFINITION_INVALID');
      expect(error.details).toEqual([{ path: '/dataSchema/additionalProperties', message: 'must be false: unknown fields are refused' }]);
      expect(await sql(sundsvall, `SELECT slug FROM eforms_form WHERE slug = 'trasig'`)).toEqual([]);
    });

    it('never edits a published version: not through the service, not in the database', async () => {
      const error = await failure(
        asAdmin(sundsvall, (p) => admin.updateFormVersion(p, { formSlug: 'parkering', version: '1.0', changelog: 'ändrad' })),
      );
      expect(error.code).toBe('FORM_VERSION_IMMUTABLE');
      await expect(sql(sundsvall, `UPDATE eforms_form_version SET definition = '{}' WHERE tenant_id = $1`, [sundsvall.id])).rejects.toThrow(
        /immutable/,
      );
      await expect(sql(sundsvall, `DELETE FROM eforms_form_version WHERE tenant_id = $1`, [sundsvall.id])).rejects.toThrow(
        /permission denied/,
      ); // no DELETE grant at all
    });

    it('refuses non-admins', async () => {
      const error = await failure(asCaseWorker(sundsvall, 'socialtjanst', (p) => admin.listForms(p)));
      expect(error.code).toBe('FORBIDDEN');
    });
  });

  describe('a citizen submits', () => {
    it('from a draft with an attachment: receipt, errand number, events, automated approval with reasons', async () => {
      const draft = await asCitizen(sundsvall, anna, () => citizen.startDraft('parkering'));
      expect(draft).toMatchObject({
        formSlug: 'parkering',
        formVersion: '1.0',
        data: {},
        expiresAt: new Date(clock.getTime() + 30 * 86400_000),
      });
      // A file uploaded and then replaced: deleted with the draft, never part of the submission.
      const replaced = await asCitizen(sundsvall, anna, () =>
        citizen.uploadAttachment({
          draftId: draft.id,
          field: 'lakarintyg',
          fileName: 'gammalt.pdf',
          contentBase64: PDF.toString('base64'),
        }),
      );
      const file = await asCitizen(sundsvall, anna, () =>
        citizen.uploadAttachment({ draftId: draft.id, field: 'lakarintyg', fileName: 'intyg.pdf', contentBase64: PDF.toString('base64') }),
      );
      expect(file).toMatchObject({
        field: 'lakarintyg',
        fileName: 'intyg.pdf',
        contentType: 'application/pdf',
        sizeBytes: PDF.length,
        sha256: require('node:crypto').createHash('sha256').update(PDF).digest('hex'),
      });
      const data = answers({ harLakarintyg: true, lakarintyg: file.id, varaktighetManader: 12 });
      const saved = await asCitizen(sundsvall, anna, () => citizen.saveDraft(draft.id, data));
      expect(saved.data).toEqual(data);
      expect((await asCitizen(sundsvall, anna, () => citizen.getDraft(draft.id))).attachments).toEqual([replaced, file]);
      // Erik cannot resume Anna's draft.
      expect((await failure(asCitizen(sundsvall, erik, () => citizen.getDraft(draft.id)))).code).toBe('DRAFT_NOT_FOUND');

      const receipt = await asCitizen(sundsvall, anna, () =>
        citizen.submit({ draftId: draft.id, data, idempotencyKey: 'anna-parkering-1' }),
      );
      expect(receipt).toMatchObject({
        errandNumber: 'PTS-2025-000001',
        submittedAt: clock,
        formSlug: 'parkering',
        formVersion: '1.0',
        status: 'decided',
        tenant: { slug: 'sundsvall' },
        attachments: [file],
        decision: {
          outcome: 'approve',
          automated: true,
          reasons: [
            {
              ruleId: 'bifall-intyg-varaktig',
              text: expect.objectContaining({ sv: expect.any(String) }),
              legalBasis: expect.objectContaining({ sfs: '1998:1276', chapter: '13', section: '8' }),
            },
          ],
        },
      });
      expect(receipt.answers).toContainEqual({
        field: 'lakarintyg',
        label: { sv: 'Läkarintyg', en: 'Medical certificate' },
        value: { sv: 'intyg.pdf', en: 'intyg.pdf' },
      });
      expect(receipt.answers).toContainEqual({ field: 'roll', label: expect.any(Object), value: { sv: 'Förare', en: 'Driver' } });

      const events = await sql(
        sundsvall,
        `SELECT type, source, subject, data FROM outbox_event WHERE subject = $1 ORDER BY occurred_at, type DESC`,
        [receipt.submissionId],
      );
      expect(events).toEqual([
        {
          type: EVENT_TYPES.formSubmissionReceived,
          source: '/e-forms',
          subject: receipt.submissionId,
          data: {
            submissionId: receipt.submissionId,
            formSlug: 'parkering',
            formVersion: '1.0',
            caseType: 'parkeringstillstand',
            errandNumber: 'PTS-2025-000001',
            title: { sv: 'Ansök om parkeringstillstånd för rörelsehindrade', en: 'Apply for a disabled parking permit' },
            unit: 'socialtjanst',
            subjectPartyId: anna,
            subjectKind: 'person',
            submittedAt: clock.toISOString(),
            notices: [{ channel: 'digital-mail', recipient: 'applicant' }],
          },
        },
        {
          type: EVENT_TYPES.formDecisionMade,
          source: '/e-forms',
          subject: receipt.submissionId,
          data: expect.objectContaining({
            outcome: 'approval',
            automated: true,
            decisionType: 'parkeringstillstand',
            errandNumber: 'PTS-2025-000001',
            subjectPartyId: anna,
            reasons: receipt.decision?.reasons,
            legalBasis: receipt.decision?.legalBasis,
            appealInstructions: expect.any(Object),
            validFrom: '2025-03-04',
            documents: [expect.objectContaining({ url: receipt.decision?.documentUrl })],
          }),
        },
      ]);
      // The draft is gone; the file now belongs to the submission.
      expect((await failure(asCitizen(sundsvall, anna, () => citizen.getDraft(draft.id)))).code).toBe('DRAFT_NOT_FOUND');
      expect(await sql(sundsvall, `SELECT draft_id, submission_id FROM eforms_attachment WHERE id = $1`, [file.id])).toEqual([
        { draft_id: null, submission_id: receipt.submissionId },
      ]);
      expect(await sql(sundsvall, `SELECT id FROM eforms_attachment WHERE id = $1`, [replaced.id])).toEqual([]);

      // The receipt can be read again and rendered as a PDF.
      expect(await asCitizen(sundsvall, anna, () => citizen.receipt(receipt.submissionId))).toEqual(receipt);
      const pdf = await asCitizen(sundsvall, anna, () => citizen.receiptPdf(receipt.submissionId));
      expect(Buffer.from(pdf.subarray(0, 4)).toString()).toBe('%PDF');
      expect(pdfText(pdf)).toContain('Ärendenummer: PTS-2025-000001');
      expect((await failure(asCitizen(sundsvall, erik, () => citizen.receipt(receipt.submissionId)))).code).toBe('SUBMISSION_NOT_FOUND');
    });

    it('is rejected automatically when the disability is short, and sent to manual handling when no rule decides', async () => {
      const rejected = await asCitizen(sundsvall, erik, () =>
        citizen.submit({ formSlug: 'parkering', data: answers({ varaktighetManader: 3 }), idempotencyKey: key() }),
      );
      expect(rejected).toMatchObject({
        status: 'decided',
        decision: { outcome: 'reject', automated: true, reasons: [{ ruleId: 'avslag-kortvarig' }] },
      });
      const manual = await asCitizen(sundsvall, erik, () =>
        citizen.submit({ formSlug: 'parkering', data: answers(), idempotencyKey: key() }),
      );
      expect(manual).toMatchObject({ status: 'manual_handling', decision: null });
      // The receipt is built from what the submission wrote; read back it is the same.
      for (const receipt of [rejected, manual])
        expect(await asCitizen(sundsvall, erik, () => citizen.receipt(receipt.submissionId))).toEqual(receipt);
      expect(
        await sql(sundsvall, `SELECT status FROM eforms_submission WHERE id = ANY($1::uuid[]) ORDER BY errand_number`, [
          [rejected.submissionId, manual.submissionId],
        ]),
      ).toEqual([{ status: 'decided' }, { status: 'manual_handling' }]);
    });

    it("reports every field error in the caller's language and stores nothing", async () => {
      const before = await counts(sundsvall);
      const error = await failure(
        asCitizen(sundsvall, anna, () =>
          citizen.submit(
            {
              formSlug: 'parkering',
              data: { ...answers({ roll: 'passagerare', varaktighetManader: 'länge' }), okant: 1 },
              idempotencyKey: key(),
            },
            'en',
          ),
        ),
      );
      expect(error.code).toBe('SUBMISSION_INVALID');
      expect(error.details).toEqual([
        { path: '/behovAvHjalp', message: 'This field is required' },
        { path: '/okant', message: 'Unknown field: the form has no such field' },
        { path: '/varaktighetManader', message: 'Wrong type: must be a whole number' },
      ]);
      const sv = await failure(
        asCitizen(sundsvall, anna, () =>
          citizen.submit({ formSlug: 'parkering', data: answers({ harLakarintyg: true }), idempotencyKey: key() }),
        ),
      );
      expect(sv.details).toEqual([{ path: '/lakarintyg', message: 'Fältet måste fyllas i' }]);
      expect(await counts(sundsvall)).toEqual(before);
    });

    it("refuses an attachment answer naming a file that is not the citizen's", async () => {
      const draft = await asCitizen(sundsvall, anna, () => citizen.startDraft('parkering'));
      const file = await asCitizen(sundsvall, anna, () =>
        citizen.uploadAttachment({ draftId: draft.id, field: 'lakarintyg', fileName: 'scan.png', contentBase64: PNG.toString('base64') }),
      );
      const before = await counts(sundsvall);
      const error = await failure(
        asCitizen(sundsvall, erik, () =>
          citizen.submit({ formSlug: 'parkering', data: answers({ harLakarintyg: true, lakarintyg: file.id }), idempotencyKey: key() }),
        ),
      );
      expect(error.details).toEqual([{ path: '/lakarintyg', message: 'Bilagan finns inte: ladda upp filen till utkastet först' }]);
      expect(await counts(sundsvall)).toEqual(before);
    });

    it('refuses disguised, wrong-typed and oversized attachments and keeps none of them', async () => {
      const draft = await asCitizen(sundsvall, anna, () => citizen.startDraft('parkering'));
      const upload = (fileName: string, bytes: Buffer, field = 'lakarintyg') =>
        failure(
          asCitizen(sundsvall, anna, () =>
            citizen.uploadAttachment({ draftId: draft.id, field, fileName, contentBase64: bytes.toString('base64') }),
          ),
        );
      expect((await upload('intyg.pdf', PNG)).code).toBe('ATTACHMENT_DISGUISED');
      expect((await upload('program.pdf', Buffer.from('MZ\x90\x00 not a pdf'))).code).toBe('ATTACHMENT_TYPE_NOT_ALLOWED');
      const big = await upload('stor.pdf', Buffer.concat([PDF, Buffer.alloc(700_000)]));
      expect(big).toMatchObject({ code: 'ATTACHMENT_TOO_LARGE', details: { maxBytes: 700_000 } });
      expect((await upload('intyg.pdf', PDF, 'telefon')).code).toBe('VALIDATION_FAILED');
      expect(await sql(sundsvall, `SELECT count(*)::int AS n FROM eforms_attachment WHERE draft_id = $1`, [draft.id])).toEqual([{ n: 0 }]);
    });

    it('answers a replay with the same receipt and the same key with other content with CONFLICT', async () => {
      const k = key();
      const first = await asCitizen(sundsvall, anna, () => citizen.submit({ formSlug: 'parkering', data: answers(), idempotencyKey: k }));
      const before = await counts(sundsvall);
      const again = await asCitizen(sundsvall, anna, () => citizen.submit({ formSlug: 'parkering', data: answers(), idempotencyKey: k }));
      expect(again).toEqual(first);
      const conflict = await failure(
        asCitizen(sundsvall, anna, () =>
          citizen.submit({ formSlug: 'parkering', data: answers({ gangstrackaMeter: 51 }), idempotencyKey: k }),
        ),
      );
      expect(conflict.code).toBe('CONFLICT');
      expect(await counts(sundsvall)).toEqual(before);
      // The key is the citizen's own: Erik may use the same string.
      const eriks = await asCitizen(sundsvall, erik, () => citizen.submit({ formSlug: 'parkering', data: answers(), idempotencyKey: k }));
      expect(eriks.errandNumber).not.toBe(first.errandNumber);
    });

    it('gives one file to only one of two concurrent submissions; the other stores nothing', async () => {
      const draft = await asCitizen(sundsvall, erik, () => citizen.startDraft('parkering'));
      const file = await asCitizen(sundsvall, erik, () =>
        citizen.uploadAttachment({ draftId: draft.id, field: 'lakarintyg', fileName: 'intyg.pdf', contentBase64: PDF.toString('base64') }),
      );
      const before = await counts(sundsvall);
      const data = answers({ harLakarintyg: true, lakarintyg: file.id, varaktighetManader: 12 });
      const results = await Promise.allSettled(
        [1, 2].map(() => asCitizen(sundsvall, erik, () => citizen.submit({ formSlug: 'parkering', data, idempotencyKey: key() }))),
      );
      const stored = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason.code] : []));
      expect(stored).toHaveLength(1);
      expect(['CONFLICT', 'SUBMISSION_INVALID']).toContain(refused[0]);
      expect(stored[0].attachments).toEqual([file]);
      expect(await asCitizen(sundsvall, erik, () => citizen.receipt(stored[0].submissionId))).toEqual(stored[0]);
      // The refused one stored nothing and gave its errand number back.
      expect(await counts(sundsvall)).toMatchObject({
        submissions: before.submissions + 1,
        decisions: before.decisions + 1,
        numbers: before.numbers + 1,
      });
    });

    it('turns a concurrent double submit into one submission with one receipt', async () => {
      const before = await counts(sundsvall);
      const k = key();
      const receipts = await Promise.all(
        Array.from({ length: 6 }, () =>
          asCitizen(sundsvall, anna, () => citizen.submit({ formSlug: 'parkering', data: answers(), idempotencyKey: k })),
        ),
      );
      expect(new Set(receipts.map((r) => r.submissionId)).size).toBe(1);
      expect(new Set(receipts.map((r) => r.errandNumber)).size).toBe(1);
      const after = await counts(sundsvall);
      expect(after.submissions - before.submissions).toBe(1);
      expect(after.events - before.events).toBe(1); // manual handling: the received event only
      expect(after.numbers - before.numbers).toBe(1); // no errand number burnt by the losers
    });

    it('gives concurrent submissions consecutive, unique errand numbers', async () => {
      const receipts = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          asCitizen(sundsvall, i % 2 ? anna : erik, () =>
            citizen.submit({ formSlug: 'parkering', data: answers(), idempotencyKey: key() }),
          ),
        ),
      );
      const numbers = receipts.map((r) => r.errandNumber).sort();
      expect(new Set(numbers).size).toBe(8);
      const sequence = numbers.map((n) => Number(n.split('-')[2]));
      expect(sequence[7] - sequence[0]).toBe(7);
      for (const n of numbers) expect(n).toMatch(/^PTS-2025-\d{6}$/);
    });

    it('restarts errand numbers each Swedish year', async () => {
      clock = new Date('2025-12-31T23:30:00Z'); // already 2026 in Stockholm
      try {
        const receipt = await asCitizen(sundsvall, anna, () =>
          citizen.submit({ formSlug: 'parkering', data: answers(), idempotencyKey: key() }),
        );
        expect(receipt.errandNumber).toBe('PTS-2026-000001');
      } finally {
        clock = new Date('2025-03-04T13:05:00Z');
      }
    });

    it("refuses another municipality's form and draft, and a citizen who addresses no municipality", async () => {
      const draft = await asCitizen(sundsvall, anna, () => citizen.startDraft('parkering'));
      const before = await counts(ange);
      expect(
        (await failure(asCitizen(ange, anna, () => citizen.submit({ formSlug: 'parkering', data: answers(), idempotencyKey: key() }))))
          .code,
      ).toBe('FORM_NOT_FOUND');
      expect(
        (await failure(asCitizen(ange, anna, () => citizen.submit({ draftId: draft.id, data: answers(), idempotencyKey: key() })))).code,
      ).toBe('DRAFT_NOT_FOUND');
      expect(await counts(ange)).toEqual(before);
      const nowhere = await failure(
        requestContext.run({ requestId: 't', subjectId: anna }, () =>
          citizen.submit({ formSlug: 'parkering', data: answers(), idempotencyKey: key() }),
        ),
      );
      expect(nowhere.code).toBe('TENANT_REQUIRED');
    });

    it('expires drafts after the retention period', async () => {
      const draft = await asCitizen(sundsvall, anna, () => citizen.startDraft('parkering'));
      clock = new Date(clock.getTime() + 31 * 86400_000);
      try {
        expect((await failure(asCitizen(sundsvall, anna, () => citizen.saveDraft(draft.id, {})))).code).toBe('DRAFT_EXPIRED');
        expect((await asCitizen(sundsvall, anna, () => citizen.listDrafts())).map((d) => d.id)).not.toContain(draft.id);
      } finally {
        clock = new Date('2025-03-04T13:05:00Z');
      }
    });

    it('lets anyone submit a form without login, and requires login where the form says so', async () => {
      await asAdmin(sundsvall, async (p) => {
        await admin.createForm(p, {
          slug: 'bygglov',
          unit: 'samhallsbyggnad',
          definition: exampleDefinition('bygglov-forfragan'),
          changelog: 'Första',
        });
        await admin.publishFormVersion(p, 'bygglov', '1.0');
      });
      const data = {
        fastighetsbeteckning: 'Norrmalm 3:12',
        atgard: 'attefall',
        beskrivning: 'Ett attefallshus på tomten',
        namn: 'Kim',
        svarsform: 'epost',
        epost: 'kim@example.se',
      };
      const receipt = await inTenant(sundsvall, () => citizen.submit({ formSlug: 'bygglov', data, idempotencyKey: key() }));
      expect(receipt).toMatchObject({ errandNumber: 'BYG-2025-000001', status: 'received' });
      const [row] = await sql(sundsvall, `SELECT subject_party_id FROM eforms_submission WHERE id = $1`, [receipt.submissionId]);
      expect(row.subject_party_id).toBeNull();
      expect(
        (await failure(inTenant(sundsvall, () => citizen.submit({ formSlug: 'parkering', data: answers(), idempotencyKey: key() })))).code,
      ).toBe('LOGIN_REQUIRED');
    });

    it('never answers random input with anything but a receipt or a coded error (property)', async () => {
      const allowed = new Set([
        'SUBMISSION_INVALID',
        'VALIDATION_FAILED',
        'FORM_NOT_FOUND',
        'FORM_VERSION_NOT_FOUND',
        'DRAFT_NOT_FOUND',
        'CONFLICT',
      ]);
      const before = await counts(sundsvall);
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            formSlug: fc.oneof(fc.constant('parkering'), fc.string({ maxLength: 70 })),
            version: fc.option(fc.oneof(fc.constant('1.0'), fc.string({ maxLength: 8 })), { nil: undefined }),
            draftId: fc.option(fc.oneof(fc.uuid(), fc.string({ maxLength: 40 })), { nil: undefined }),
            data: fc.oneof(
              fc.jsonValue(),
              fc.record(
                { roll: fc.jsonValue(), varaktighetManader: fc.oneof(fc.integer(), fc.jsonValue()), harLakarintyg: fc.jsonValue() },
                { requiredKeys: [] },
              ),
              fc.constant(answers()),
            ),
            idempotencyKey: fc.oneof(fc.string({ maxLength: 120 }), fc.uuid()),
          }),
          async (input) => {
            try {
              await asCitizen(sundsvall, erik, () => citizen.submit(input as any));
              accepted++;
            } catch (error) {
              expect(error).toBeInstanceOf(EFormsError);
              expect(allowed).toContain((error as EFormsError).code);
              if ((error as EFormsError).code === 'SUBMISSION_INVALID')
                expect(((error as EFormsError).details as unknown[]).length).toBeGreaterThan(0);
            }
          },
        ),
        { numRuns: 60 },
      );
      const after = await counts(sundsvall);
      expect(after.submissions - before.submissions).toBe(accepted);
      expect(after.numbers - before.numbers).toBe(accepted);
    });
  });

  describe('case workers', () => {
    it("see only their unit's submissions; without a unit, none", async () => {
      const own = (await asCaseWorker(sundsvall, 'socialtjanst', (p) => cases.listSubmissions(p, { first: 100 }))).nodes;
      expect(own.length).toBeGreaterThan(0);
      expect(new Set(own.map((s) => s.formSlug))).toEqual(new Set(['parkering']));
      const planning = (await asCaseWorker(sundsvall, 'samhallsbyggnad', (p) => cases.listSubmissions(p))).nodes;
      expect(new Set(planning.map((s) => s.formSlug))).toEqual(new Set(['bygglov']));
      const empty = { nodes: [], endCursor: null, hasNextPage: false };
      expect(await asCaseWorker(sundsvall, 'skola', (p) => cases.listSubmissions(p))).toEqual(empty);
      expect(await asCaseWorker(sundsvall, undefined, (p) => cases.listSubmissions(p))).toEqual(empty);
      expect((await failure(asCaseWorker(sundsvall, 'skola', (p) => cases.getSubmission(p, own[0].id)))).code).toBe('SUBMISSION_NOT_FOUND');
      expect(await asCaseWorker(ange, 'socialtjanst', (p) => cases.listSubmissions(p))).toEqual(empty);
    });

    it('see the applicant by name and registered address from the population register, a protected person with the marker and no address; each read audited', async () => {
      const person = (givenName: string, protection: ResidentRecord['protection']): ResidentRecord => ({
        status: 'ACTIVE',
        protection,
        name: { givenName, familyName: 'Andersson' },
        address: { careOf: 'Berg', street: 'Storgatan 12', postalCode: '852 30', city: 'SUNDSVALL' },
      });
      const people = new Map([
        [testPersonnummer(1), person('Anna', 'NONE')],
        [testPersonnummer(2), person('Erik', 'SKYDDAD_FOLKBOKFORING')],
      ]);
      let failing = false;
      const register = {
        async lookupPeople(ids: string[]) {
          if (failing) throw new Error('Navet unreachable');
          return new Map(ids.flatMap((id) => (people.has(id) ? [[id, people.get(id)!] as const] : [])));
        },
      };
      const withRegister = new CaseWorkService(db(), directory, { now, residents: (id) => (id === sundsvall.id ? register : undefined) });
      const submit = (party: string) =>
        asCitizen(sundsvall, party, () => citizen.submit({ formSlug: 'parkering', data: answers(), idempotencyKey: key() }));
      const annas = await submit(anna);
      const eriks = await submit(erik);
      const applicant = (id: string, service = withRegister, unit = 'socialtjanst') =>
        asCaseWorker(sundsvall, unit, (p) => service.applicant(p, id));

      expect(await applicant(annas.submissionId)).toEqual({
        kind: 'person',
        identityNumber: testPersonnummer(1),
        name: 'Anna Andersson',
        address: ['c/o Berg', 'Storgatan 12', '852 30 SUNDSVALL'],
        protectedIdentity: false,
        register: 'found',
      });
      expect(await applicant(eriks.submissionId)).toEqual({
        kind: 'person',
        identityNumber: testPersonnummer(2),
        name: 'Erik Andersson',
        address: null,
        protectedIdentity: true,
        register: 'found',
      });
      // Without a register, or with one that fails, the identity number still shows; nothing is guessed.
      expect(await applicant(annas.submissionId, cases)).toMatchObject({ name: null, address: null, register: 'unavailable' });
      failing = true;
      expect(await applicant(annas.submissionId)).toMatchObject({ name: null, address: null, register: 'unavailable' });
      failing = false;
      // Another unit learns nothing, not even that the submission exists.
      expect((await failure(applicant(annas.submissionId, withRegister, 'samhallsbyggnad'))).code).toBe('SUBMISSION_NOT_FOUND');
      const reads = await sql(sundsvall, `SELECT actor, target_id AS "targetId" FROM audit_log WHERE action = 'eforms.applicant.read'`);
      expect(reads.filter((r: { targetId: string }) => r.targetId === annas.submissionId)).toHaveLength(3);
      expect(reads.every((r: { actor: string }) => r.actor.includes('staff-sundsvall-socialtjanst'))).toBe(true);
    });

    it("download the files of their unit's submissions; another unit gets not found; each read audited", async () => {
      const submitted = await asCitizen(sundsvall, anna, () =>
        citizen.submit({ formSlug: 'parkering', data: answers(), idempotencyKey: key() }),
      );
      await asCaseWorker(sundsvall, 'socialtjanst', (p) =>
        cases.requestCompletion(p, submitted.submissionId, { sv: 'Skicka intyget.', en: 'Send the certificate.' }),
      );
      const uploaded = await asCitizen(sundsvall, anna, () =>
        citizen.uploadAttachment({
          submissionId: submitted.submissionId,
          field: 'lakarintyg',
          fileName: 'intyg.pdf',
          contentBase64: PDF.toString('base64'),
        }),
      );
      await asCitizen(sundsvall, anna, () =>
        citizen.provideCompletion(submitted.submissionId, answers({ harLakarintyg: true, lakarintyg: uploaded.id })),
      );
      const file = await asCaseWorker(sundsvall, 'socialtjanst', (p) => cases.attachment(p, submitted.submissionId, uploaded.id));
      expect(file).toEqual({ fileName: 'intyg.pdf', contentType: 'application/pdf', content: PDF });
      expect(
        (await failure(asCaseWorker(sundsvall, 'samhallsbyggnad', (p) => cases.attachment(p, submitted.submissionId, uploaded.id)))).code,
      ).toBe('SUBMISSION_NOT_FOUND');
      expect(
        (await failure(asCaseWorker(ange, 'socialtjanst', (p) => cases.attachment(p, submitted.submissionId, uploaded.id)))).code,
      ).toBe('SUBMISSION_NOT_FOUND');
      for (const other of ['not-a-uuid', '00000000-0000-4000-8000-000000000000'])
        expect(
          (await failure(asCaseWorker(sundsvall, 'socialtjanst', (p) => cases.attachment(p, submitted.submissionId, other)))).code,
        ).toBe('ATTACHMENT_NOT_FOUND');
      const reads = await sql(
        sundsvall,
        `SELECT actor, details FROM audit_log WHERE action = 'eforms.attachment.read' AND target_id = $1`,
        [submitted.submissionId],
      );
      expect(reads).toEqual([
        { actor: expect.stringContaining('staff-sundsvall-socialtjanst'), details: expect.objectContaining({ attachmentId: uploaded.id }) },
      ]);
    });

    it("page through their unit's submissions by cursor, newest first, each exactly once", async () => {
      const all = (await asCaseWorker(sundsvall, 'socialtjanst', (p) => cases.listSubmissions(p, { first: 100 }))).nodes;
      expect(all.length).toBeGreaterThan(5);
      // Submissions made in the same instant (the pinned clock) still come in one stable order.
      expect(new Set(all.map((s) => s.submittedAt.getTime())).size).toBeLessThan(all.length);
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const page = await asCaseWorker(sundsvall, 'socialtjanst', (p) => cases.listSubmissions(p, { first: 4, after }));
        pages++;
        expect(page.nodes.length).toBeLessThanOrEqual(4);
        seen.push(...page.nodes.map((s) => s.id));
        if (!page.hasNextPage) break;
        expect(page.endCursor).toEqual(expect.any(String));
        after = page.endCursor;
      }
      expect(pages).toBe(Math.ceil(all.length / 4));
      expect(seen).toEqual(all.map((s) => s.id));
      const manual = (
        await asCaseWorker(sundsvall, 'socialtjanst', (p) => cases.listSubmissions(p, { status: 'manual_handling', first: 100 }))
      ).nodes;
      expect(manual.map((s) => s.id)).toEqual(all.filter((s) => s.status === 'manual_handling').map((s) => s.id));
      for (const bad of [
        { first: 0 },
        { first: 101 },
        { first: 1.5 },
        { after: 'not-a-cursor' },
        { after: Buffer.from('["x","y"]').toString('base64url') },
      ]) {
        expect((await failure(asCaseWorker(sundsvall, 'socialtjanst', (p) => cases.listSubmissions(p, bad)))).code).toBe(
          'VALIDATION_FAILED',
        );
      }
    });

    it("ask for a certificate, which the citizen uploads and gives as the completion; the errand is the unit's turn again", async () => {
      const submitted = await asCitizen(sundsvall, anna, () =>
        citizen.submit({ formSlug: 'parkering', data: answers(), idempotencyKey: key() }),
      );
      const uploadCertificate = (who: string) =>
        asCitizen(sundsvall, who, () =>
          citizen.uploadAttachment({
            submissionId: submitted.submissionId,
            field: 'lakarintyg',
            fileName: 'intyg.pdf',
            contentBase64: PDF.toString('base64'),
          }),
        );
      // Before any request, a file cannot be added to the submission.
      const early = await failure(uploadCertificate(anna));
      expect(early.code).toBe('VALIDATION_FAILED');
      const message = { sv: 'Skicka in ett läkarintyg.', en: 'Please send a medical certificate.' };
      await asCaseWorker(sundsvall, 'socialtjanst', (p) => cases.requestCompletion(p, submitted.submissionId, message));
      // Another citizen cannot upload to it, nor name a draft and a submission at once.
      const eriks = await failure(uploadCertificate(erik));
      expect(eriks.code).toBe('SUBMISSION_NOT_FOUND');
      const file = await uploadCertificate(anna);
      const unused = await asCitizen(sundsvall, anna, () =>
        citizen.uploadAttachment({
          submissionId: submitted.submissionId,
          field: 'lakarintyg',
          fileName: 'annat.png',
          contentBase64: PNG.toString('base64'),
        }),
      );
      expect(
        (
          await failure(
            asCitizen(sundsvall, anna, () =>
              citizen.uploadAttachment({ field: 'lakarintyg', fileName: 'intyg.pdf', contentBase64: PDF.toString('base64') } as any),
            ),
          )
        ).code,
      ).toBe('VALIDATION_FAILED');
      // A file uploaded to another errand's completion is not this one's.
      const other = await asCitizen(sundsvall, anna, () =>
        citizen.submit({ formSlug: 'parkering', data: answers(), idempotencyKey: key() }),
      );
      await asCaseWorker(sundsvall, 'socialtjanst', (p) => cases.requestCompletion(p, other.submissionId, message));
      const wrong = await failure(
        asCitizen(sundsvall, anna, () =>
          citizen.provideCompletion(other.submissionId, answers({ harLakarintyg: true, lakarintyg: file.id })),
        ),
      );
      expect([wrong.code, wrong.details]).toEqual([
        'SUBMISSION_INVALID',
        [{ path: '/lakarintyg', message: 'Bilagan hör inte till ärendet' }],
      ]);

      const completed = await asCitizen(sundsvall, anna, () =>
        citizen.provideCompletion(submitted.submissionId, answers({ harLakarintyg: true, lakarintyg: file.id })),
      );
      expect(completed).toMatchObject({
        status: 'received',
        attachments: [{ id: file.id, field: 'lakarintyg', fileName: 'intyg.pdf', contentType: 'application/pdf' }],
      });
      expect(completed.answers.find((a) => a.field === 'lakarintyg')?.value.sv).toContain('intyg.pdf');
      // The unused upload is gone with the completion; the case worker sees the certificate.
      expect(await sql(sundsvall, `SELECT id FROM eforms_attachment WHERE id = $1`, [unused.id])).toEqual([]);
      const seen = await asCaseWorker(sundsvall, 'socialtjanst', (p) => cases.getSubmission(p, submitted.submissionId));
      expect(seen.attachments.map((a) => a.id)).toEqual([file.id]);
      const events = await sql(sundsvall, `SELECT type, data FROM outbox_event WHERE subject = $1 ORDER BY occurred_at, type`, [
        submitted.submissionId,
      ]);
      expect(events.map((e: any) => e.type)).toEqual([
        EVENT_TYPES.formSubmissionReceived,
        EVENT_TYPES.formCompletionRequested,
        EVENT_TYPES.formCompletionProvided,
      ]);
      expect(events[2].data).toEqual({
        submissionId: submitted.submissionId,
        errandNumber: submitted.errandNumber,
        providedAt: clock.toISOString(),
        subjectPartyId: anna,
      });
      // Answered once: a second completion is refused, and so is a further upload.
      expect((await failure(asCitizen(sundsvall, anna, () => citizen.provideCompletion(submitted.submissionId, answers())))).code).toBe(
        'VALIDATION_FAILED',
      );
      expect(
        (
          await failure(
            asCitizen(sundsvall, anna, () =>
              citizen.uploadAttachment({
                submissionId: submitted.submissionId,
                field: 'lakarintyg',
                fileName: 'intyg.pdf',
                contentBase64: PDF.toString('base64'),
              }),
            ),
          )
        ).code,
      ).toBe('VALIDATION_FAILED');
    });

    it("carry the form's notification rule for receipt in the received event", async () => {
      const submitted = await asCitizen(sundsvall, anna, () =>
        citizen.submit({ formSlug: 'parkering', data: answers(), idempotencyKey: key() }),
      );
      const [event] = await sql(sundsvall, `SELECT data FROM outbox_event WHERE subject = $1 AND type = $2`, [
        submitted.submissionId,
        EVENT_TYPES.formSubmissionReceived,
      ]);
      expect(event.data.notices).toEqual([{ channel: 'digital-mail', recipient: 'applicant' }]);
    });

    it('decide with a validity period and a generated decision document', async () => {
      const submitted = await asCitizen(sundsvall, anna, () =>
        citizen.submit({ formSlug: 'parkering', data: answers(), idempotencyKey: key() }),
      );
      const reason = { sv: 'Behovet är styrkt.', en: 'The need is established.' };
      const legalBasis = { sfs: '1998:1276', chapter: '13', section: '8' };
      const decide = (extra: Record<string, unknown>) =>
        asCaseWorker(sundsvall, 'socialtjanst', (p) =>
          cases.decide(p, submitted.submissionId, { outcome: 'approve', reason, legalBasis, ...extra }),
        );
      const before = await counts(sundsvall);
      for (const bad of [
        { validFrom: '2025-02-30' },
        { validFrom: '2025-03-04', validTo: '2025-03-03' },
        { validTo: '4.3.2026' },
        { outcome: 'reject', validFrom: '2025-03-04' },
      ]) {
        expect((await failure(decide(bad))).code).toBe('VALIDATION_FAILED');
      }
      expect(await counts(sundsvall)).toEqual(before);

      const decided = await decide({ validFrom: '2025-03-10', validTo: '2028-03-09' });
      expect(decided.decision).toMatchObject({
        outcome: 'approve',
        validFrom: '2025-03-10',
        validTo: '2028-03-09',
        documentUrl: `/e-forms/decisions/${decided.decision!.id}/document.pdf`,
      });
      const [event] = await sql(sundsvall, `SELECT data FROM outbox_event WHERE subject = $1 AND type = $2`, [
        submitted.submissionId,
        EVENT_TYPES.formDecisionMade,
      ]);
      expect(event.data).toMatchObject({
        validFrom: '2025-03-10',
        validTo: '2028-03-09',
        documents: [
          {
            name: `Beslut ${submitted.errandNumber}.pdf`,
            url: `/e-forms/decisions/${decided.decision!.id}/document.pdf`,
            ref: `e-forms/decision/${decided.decision!.id}`,
          },
        ],
      });

      const document = await asCitizen(sundsvall, anna, () => citizen.decisionDocument(decided.decision!.id));
      expect(document.fileName).toBe(`Beslut ${submitted.errandNumber}.pdf`);
      expect(Buffer.from(document.pdf.subarray(0, 5)).toString()).toBe('%PDF-');
      const text = pdfText(document.pdf);
      for (const expected of [
        'Beslut',
        submitted.errandNumber,
        'Bifall',
        'Gäller från 2025-03-10 till och med 2028-03-09',
        'Behovet är styrkt.',
        'SFS 1998:1276 13 kap. 8 §',
        'förvaltningsrätten',
      ]) {
        expect(text).toContain(expected);
      }
      expect(pdfText((await asCitizen(sundsvall, anna, () => citizen.decisionDocument(decided.decision!.id, 'en'))).pdf)).toContain(
        'Valid from 2025-03-10 to 2028-03-09',
      );
      // The same document every time it is fetched: it is rendered from the decision, which never changes.
      expect(Buffer.from((await asCitizen(sundsvall, anna, () => citizen.decisionDocument(decided.decision!.id))).pdf)).toEqual(
        Buffer.from(document.pdf),
      );
      // The unit's case worker gets it too; another citizen, another unit and another municipality do not.
      expect((await asCaseWorker(sundsvall, 'socialtjanst', (p) => cases.decisionDocument(p, decided.decision!.id))).fileName).toBe(
        document.fileName,
      );
      expect((await failure(asCitizen(sundsvall, erik, () => citizen.decisionDocument(decided.decision!.id)))).code).toBe(
        'SUBMISSION_NOT_FOUND',
      );
      expect((await failure(asCaseWorker(sundsvall, 'skola', (p) => cases.decisionDocument(p, decided.decision!.id)))).code).toBe(
        'SUBMISSION_NOT_FOUND',
      );
      expect((await failure(asCitizen(ange, anna, () => citizen.decisionDocument(decided.decision!.id)))).code).toBe(
        'SUBMISSION_NOT_FOUND',
      );
    });

    it('give an automated approval validity from its day, a rejection none, and both a document', async () => {
      const rejected = await asCitizen(sundsvall, anna, () =>
        citizen.submit({ formSlug: 'parkering', data: answers({ harLakarintyg: false, varaktighetManader: 3 }), idempotencyKey: key() }),
      );
      expect(rejected.decision).toMatchObject({
        outcome: 'reject',
        validFrom: null,
        validTo: null,
        documentUrl: expect.stringMatching(/^\/e-forms\/decisions\/.+\/document\.pdf$/),
      });
      const file = await asCitizen(sundsvall, anna, async () => {
        const draft = await citizen.startDraft('parkering');
        const upload = await citizen.uploadAttachment({
          draftId: draft.id,
          field: 'lakarintyg',
          fileName: 'intyg.pdf',
          contentBase64: PDF.toString('base64'),
        });
        return { draft, upload };
      });
      const granted = await asCitizen(sundsvall, anna, () =>
        citizen.submit({
          draftId: file.draft.id,
          data: answers({ harLakarintyg: true, lakarintyg: file.upload.id }),
          idempotencyKey: key(),
        }),
      );
      // 13:05 UTC on 4 March is the same day in Stockholm.
      expect(granted.decision).toMatchObject({ outcome: 'approve', automated: true, validFrom: '2025-03-04', validTo: null });
      const text = pdfText((await asCitizen(sundsvall, anna, () => citizen.decisionDocument(granted.decision!.id))).pdf);
      expect(text).toContain('Gäller från 2025-03-04 tills vidare');
      expect(text).toContain('Automatiserat beslut');
    });

    it('request a completion, the citizen completes, and a manual decision is recorded, each with its event', async () => {
      const submitted = await asCitizen(sundsvall, anna, () =>
        citizen.submit({ formSlug: 'parkering', data: answers(), idempotencyKey: key() }),
      );
      expect(submitted.status).toBe('manual_handling');
      const message = { sv: 'Skicka in ett läkarintyg.', en: 'Please send a medical certificate.' };
      const asked = await asCaseWorker(sundsvall, 'socialtjanst', (p) => cases.requestCompletion(p, submitted.submissionId, message));
      expect(asked).toMatchObject({ status: 'completion_requested', completionRequest: { message } });
      // The receipt carries the answers as given, so the resident's web can show them again to correct.
      const receipt = await asCitizen(sundsvall, anna, () => citizen.receipt(submitted.submissionId));
      expect(receipt.data).toEqual(answers());
      const completed = await asCitizen(sundsvall, anna, () =>
        citizen.provideCompletion(submitted.submissionId, answers({ gangstrackaMeter: 20 })),
      );
      expect(completed).toMatchObject({ status: 'received', errandNumber: submitted.errandNumber });
      expect(completed.data).toEqual(answers({ gangstrackaMeter: 20 }));
      const decided = await asCaseWorker(sundsvall, 'socialtjanst', (p) =>
        cases.decide(p, submitted.submissionId, {
          outcome: 'approve',
          reason: { sv: 'Behovet är styrkt.', en: 'The need is established.' },
          legalBasis: { sfs: '1998:1276', chapter: '13', section: '8' },
        }),
      );
      expect(decided).toMatchObject({
        status: 'decided',
        decision: { outcome: 'approve', automated: false, reasons: [{ ruleId: 'manual', text: { sv: 'Behovet är styrkt.' } }] },
      });
      const events = await sql(sundsvall, `SELECT type, data FROM outbox_event WHERE subject = $1 ORDER BY occurred_at`, [
        submitted.submissionId,
      ]);
      expect(events.map((e: any) => e.type)).toEqual([
        EVENT_TYPES.formSubmissionReceived,
        EVENT_TYPES.formCompletionRequested,
        EVENT_TYPES.formCompletionProvided,
        EVENT_TYPES.formDecisionMade,
      ]);
      expect(events[1].data).toEqual({
        submissionId: submitted.submissionId,
        errandNumber: submitted.errandNumber,
        message,
        requestedAt: clock.toISOString(),
        subjectPartyId: anna,
      });
      expect(events[3].data).toMatchObject({ outcome: 'approval', automated: false, subjectPartyId: anna });
      const twice = await failure(
        asCaseWorker(sundsvall, 'socialtjanst', (p) =>
          cases.decide(p, submitted.submissionId, { outcome: 'reject', reason: { sv: 'x', en: 'x' } }),
        ),
      );
      expect(twice.code).toBe('SUBMISSION_ALREADY_DECIDED');
      // Decisions are never changed: the app role has no UPDATE on them.
      await expect(sql(sundsvall, `UPDATE eforms_decision SET outcome = 'reject'`)).rejects.toThrow(/permission denied/);
    });
  });

  describe('reuse between municipalities', () => {
    it('publishes a template that another municipality adopts, then sees and takes its newer version', async () => {
      const template = await asAdmin(sundsvall, (p) => admin.publishTemplate(p, 'parkering'));
      expect(template).toMatchObject({ publisher: 'sundsvall', slug: 'parkering', version: '1.0', unit: 'socialtjanst' });
      const seen = await asAdmin(ange, (p) => admin.listTemplates(p));
      expect(seen.map((t) => `${t.publisher}/${t.slug}@${t.version}`)).toEqual(['sundsvall/parkering@1.0']);

      const adopted = await asAdmin(ange, (p) =>
        admin.adoptTemplate(p, { publisher: 'sundsvall', templateSlug: 'parkering', slug: 'parkeringstillstand' }),
      );
      expect(adopted).toMatchObject({
        slug: 'parkeringstillstand',
        adoptedFrom: { publisher: 'sundsvall', slug: 'parkering' },
        versions: [{ version: '1.0', status: 'draft', template: { publisher: 'sundsvall', slug: 'parkering', version: '1.0' } }],
      });
      await asAdmin(ange, (p) => admin.publishFormVersion(p, 'parkeringstillstand', '1.0'));
      expect(await asAdmin(ange, (p) => admin.templateUpdates(p))).toEqual([
        {
          formSlug: 'parkeringstillstand',
          publisher: 'sundsvall',
          templateSlug: 'parkering',
          adoptedVersion: '1.0',
          latestVersion: '1.0',
          newerVersionAvailable: false,
        },
      ]);

      // Ånge has not switched automated decisions on: the same answers go to a case worker. The
      // errand carries Ånge's own prefix, not Sundsvall's (PTS), whose numbers it would repeat.
      expect((await asAdmin(ange, (p) => admin.getForm(p, 'parkeringstillstand'))).versions[0].definition).toMatchObject({
        errandNumberPrefix: 'ANG',
      });
      const receipt = await asCitizen(ange, anna, () =>
        citizen.submit({ formSlug: 'parkeringstillstand', data: answers({ varaktighetManader: 2 }), idempotencyKey: key() }),
      );
      expect(receipt).toMatchObject({ errandNumber: 'ANG-2025-000001', status: 'received', decision: null, tenant: { slug: 'ange' } });

      // Sundsvall improves the form (1.1) and shares it again.
      const v11 = exampleDefinition('parkeringstillstand');
      v11.description.sv = 'Ny text om vem som kan ansöka.';
      await asAdmin(sundsvall, async (p) => {
        await admin.createFormVersion(p, { formSlug: 'parkering', definition: v11, changelog: 'Tydligare beskrivning', major: false });
        await admin.publishFormVersion(p, 'parkering', '1.1');
        await admin.publishTemplate(p, 'parkering');
      });
      expect(await asAdmin(ange, (p) => admin.templateUpdates(p))).toEqual([
        expect.objectContaining({ adoptedVersion: '1.0', latestVersion: '1.1', newerVersionAvailable: true }),
      ]);
      const update = await asAdmin(ange, (p) => admin.updateFromTemplate(p, 'parkeringstillstand'));
      expect(update).toMatchObject({
        version: '1.1',
        status: 'draft',
        template: { version: '1.1' },
        definition: { description: { sv: 'Ny text om vem som kan ansöka.' }, errandNumberPrefix: 'ANG' },
      });
      // Ånge's submission still records the exact version it answered.
      expect((await asCitizen(ange, anna, () => citizen.receipt(receipt.submissionId))).formVersion).toBe('1.0');
    });

    it('refuses an adoption by a municipality without an errand number prefix of its own, adopting nothing', async () => {
      const refused = await failure(
        asAdmin(harnosand, (p) => admin.adoptTemplate(p, { publisher: 'sundsvall', templateSlug: 'parkering' })),
      );
      expect(refused).toMatchObject({
        code: 'E_FORMS_SETTINGS_INVALID',
        message: expect.stringContaining('services.e-forms.settings.errandNumberPrefix in tenants/harnosand/tenant.yaml'),
      });
      expect(await asAdmin(harnosand, (p) => admin.listForms(p))).toEqual([]);
    });

    it('lets only the publisher write a template row, and every member read it', async () => {
      await expect(
        sql(
          ange,
          `INSERT INTO eforms_template (publisher_tenant_id, slug, major, minor, unit, changelog, definition) VALUES ($1, 'falsk', 1, 0, 'x', 'x', '{}')`,
          [sundsvall.id],
        ),
      ).rejects.toThrow(/row-level security/);
      expect((await db().platformTransaction((em) => em.query(`SELECT count(*)::int AS n FROM eforms_template`)))[0].n).toBeGreaterThan(0);
    });
  });

  describe('retiring', () => {
    it('takes a version out of use with a precise error, storing nothing', async () => {
      await asAdmin(sundsvall, (p) => admin.retireFormVersion(p, 'parkering', '1.0'));
      const before = await counts(sundsvall);
      const old = await failure(
        asCitizen(sundsvall, anna, () => citizen.submit({ formSlug: 'parkering', version: '1.0', data: answers(), idempotencyKey: key() })),
      );
      expect(old.code).toBe('FORM_VERSION_RETIRED');
      // The current version (1.1) still takes submissions...
      const current = await asCitizen(sundsvall, anna, () =>
        citizen.submit({ formSlug: 'parkering', data: answers(), idempotencyKey: key() }),
      );
      expect(current.formVersion).toBe('1.1');
      // ...until it is retired too.
      await asAdmin(sundsvall, (p) => admin.retireFormVersion(p, 'parkering', '1.1'));
      const none = await failure(
        asCitizen(sundsvall, anna, () => citizen.submit({ formSlug: 'parkering', data: answers(), idempotencyKey: key() })),
      );
      expect(none.code).toBe('FORM_VERSION_RETIRED');
      expect((await counts(sundsvall)).submissions - before.submissions).toBe(1);
    });
  });

  describe('isolation', () => {
    it("keeps each municipality's submissions to itself, and shows a citizen their own across municipalities", async () => {
      const sundsvallIds = (await sql(sundsvall, `SELECT id FROM eforms_submission WHERE tenant_id = $1`, [sundsvall.id])).map(
        (r: any) => r.id,
      );
      expect(sundsvallIds.length).toBeGreaterThan(0);
      expect(await sql(ange, `SELECT id FROM eforms_submission WHERE tenant_id = $1`, [sundsvall.id])).toEqual([]);
      // Subject context alone (Mina sidor): Anna's own submissions from both municipalities, nobody else's.
      const own = await requestContext.run({ requestId: 't', subjectId: anna }, () =>
        db().transaction((em) => em.query(`SELECT DISTINCT tenant_id, subject_party_id FROM eforms_submission`)),
      );
      expect(new Set(own.map((r: any) => r.tenant_id))).toEqual(new Set([sundsvall.id, ange.id]));
      expect(new Set(own.map((r: any) => r.subject_party_id))).toEqual(new Set([anna]));
    });
  });
});
