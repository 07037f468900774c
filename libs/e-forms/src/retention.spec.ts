import type { Principal } from '@kommuna/platform-auth';
import { AuditLog } from '@kommuna/platform-audit';
import { PartyRegister, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { buildTenantConfig, testPersonnummer, useTestDatabase } from '@kommuna/platform-testing';
import { EFormsRetentionPurger } from './retention';
import { CitizenFormsService } from './services/citizen-forms.service';
import { FormAdminService } from './services/form-admin.service';
import { E_FORMS_TEST_SCHEMA, exampleDefinition, PDF } from './test-support';

const DAY = 86_400_000;

// Retention per municipality and per form, driven by a clock the test moves forward.
describe('e-forms retention (gallring) with a moving clock', () => {
  const db = useTestDatabase(E_FORMS_TEST_SCHEMA);
  const start = new Date('2025-01-10T09:00:00Z');
  let clock = new Date(start);
  const now = () => new Date(clock);
  const at = (days: number) => (clock = new Date(start.getTime() + days * DAY));
  let directory: TenantDirectory;
  let sundsvall: Tenant;
  let ange: Tenant;
  let anna: string;
  let purger: EFormsRetentionPurger;

  const inTenant = <T>(tenant: Tenant, work: () => Promise<T>, subjectId?: string) =>
    requestContext.run({ requestId: 'test', tenantId: tenant.id, tenantSlug: tenant.slug, subjectId }, work);
  const sql = (tenant: Tenant, query: string, params: unknown[] = []) =>
    inTenant(tenant, () => db().transaction((em) => em.query(query, params)));
  const admin = (tenant: Tenant): Principal => ({
    subject: `admin-${tenant.slug}`,
    issuer: 'test',
    roles: ['tenant_admin'],
    organizations: [tenant.slug],
  });

  const ids: Record<string, string> = {};
  beforeAll(async () => {
    directory = new TenantDirectory(db());
    [sundsvall, ange] = await directory.sync([
      buildTenantConfig({ slug: 'sundsvall', services: { 'e-forms': { stage: 'production', settings: {} } } }),
      // Ånge keeps drafts 5 days (its own setting) and its building enquiries 30 days.
      buildTenantConfig({ slug: 'ange', services: { 'e-forms': { stage: 'production', settings: { draftRetentionDays: 5 } } } }),
    ]);
    anna = await new PartyRegister(db()).partyIdFor('person', testPersonnummer(1));
    purger = new EFormsRetentionPurger(db(), directory, now);
    const forms = new FormAdminService(db(), directory);
    const citizen = new CitizenFormsService(db(), directory, { now });

    // Sundsvall: building enquiries kept 730 days, parking permits 3650 days (the shipped forms).
    await inTenant(sundsvall, async () => {
      await forms.createForm(admin(sundsvall), {
        slug: 'bygglov',
        unit: 'samhallsbyggnad',
        definition: exampleDefinition('bygglov-forfragan'),
        changelog: 'Första',
      });
      await forms.publishFormVersion(admin(sundsvall), 'bygglov', '1.0');
      await forms.createForm(admin(sundsvall), {
        slug: 'parkering',
        unit: 'socialtjanst',
        definition: exampleDefinition('parkeringstillstand'),
        changelog: 'Första',
      });
      await forms.publishFormVersion(admin(sundsvall), 'parkering', '1.0');
    });
    const angeBygglov = exampleDefinition('bygglov-forfragan');
    angeBygglov.retention = { submissionDays: 30 };
    await inTenant(ange, async () => {
      await forms.createForm(admin(ange), { slug: 'bygglov', unit: 'samhallsbyggnad', definition: angeBygglov, changelog: 'Första' });
      await forms.publishFormVersion(admin(ange), 'bygglov', '1.0');
    });

    const enquiry = {
      fastighetsbeteckning: 'Norrmalm 3:12',
      atgard: 'attefall',
      beskrivning: 'Ett attefallshus',
      namn: 'Kim',
      svarsform: 'epost',
      epost: 'kim@example.se',
    };
    ids.sundsvallBygglov = (
      await inTenant(sundsvall, () => citizen.submit({ formSlug: 'bygglov', data: enquiry, idempotencyKey: 'retention-1' }))
    ).submissionId;
    ids.angeBygglov = (
      await inTenant(ange, () => citizen.submit({ formSlug: 'bygglov', data: enquiry, idempotencyKey: 'retention-2' }))
    ).submissionId;
    // Anna's parking permit with a medical certificate attached.
    const draft = await inTenant(sundsvall, () => citizen.startDraft('parkering'), anna);
    const file = await inTenant(
      sundsvall,
      () =>
        citizen.uploadAttachment({ draftId: draft.id, field: 'lakarintyg', fileName: 'intyg.pdf', contentBase64: PDF.toString('base64') }),
      anna,
    );
    const permit = {
      roll: 'forare',
      telefon: '060-19 10 00',
      funktionsnedsattning: 'Svår artros i båda knäna.',
      varaktighetManader: 12,
      gangstrackaMeter: 50,
      harLakarintyg: true,
      lakarintyg: file.id,
    };
    ids.parkering = (
      await inTenant(sundsvall, () => citizen.submit({ draftId: draft.id, data: permit, idempotencyKey: 'retention-3' }), anna)
    ).submissionId;
    // Drafts left behind: Sundsvall's parking form keeps them 30 days, Ånge's form 5 (tenant setting).
    ids.sundsvallDraft = (await inTenant(sundsvall, () => citizen.startDraft('parkering'), anna)).id;
    ids.angeDraft = (await inTenant(ange, () => citizen.startDraft('bygglov'), anna)).id;
  });

  const purgedAt = async (tenant: Tenant, id: string) =>
    (await sql(tenant, `SELECT purged_at FROM eforms_submission WHERE id = $1`, [id]))[0].purged_at;
  const draftExists = async (tenant: Tenant, id: string) =>
    (await sql(tenant, `SELECT count(*)::int AS n FROM eforms_draft WHERE id = $1`, [id]))[0].n === 1;

  it('keeps everything while nothing is due', async () => {
    at(4);
    expect(await purger.purgeAll()).toEqual({ sundsvall: { drafts: 0, submissions: 0 }, ange: { drafts: 0, submissions: 0 } });
    expect(await draftExists(ange, ids.angeDraft)).toBe(true);
  });

  it('deletes drafts when their municipality’s or form’s period ends', async () => {
    at(6);
    expect(await purger.purgeAll()).toEqual({ sundsvall: { drafts: 0, submissions: 0 }, ange: { drafts: 1, submissions: 0 } });
    expect(await draftExists(ange, ids.angeDraft)).toBe(false);
    expect(await draftExists(sundsvall, ids.sundsvallDraft)).toBe(true);
    at(31);
    const result = await purger.purgeAll();
    expect(result.sundsvall.drafts).toBe(1);
    expect(await draftExists(sundsvall, ids.sundsvallDraft)).toBe(false);
  });

  it('purges each form’s submissions after its own retention, keeping the errand’s record', async () => {
    // Day 31: Ånge's 30-day enquiry is due; Sundsvall's 730-day one is not.
    expect(await purgedAt(ange, ids.angeBygglov)).not.toBeNull();
    expect(await purgedAt(sundsvall, ids.sundsvallBygglov)).toBeNull();
    const [angeRow] = await sql(ange, `SELECT data, errand_number, status FROM eforms_submission WHERE id = $1`, [ids.angeBygglov]);
    expect(angeRow).toEqual({ data: {}, errand_number: expect.stringMatching(/^BYG-2025-\d{6}$/), status: 'received' });

    at(731);
    expect((await purger.purgeAll()).sundsvall.submissions).toBe(1);
    expect(await purgedAt(sundsvall, ids.sundsvallBygglov)).not.toBeNull();
    expect(await purgedAt(sundsvall, ids.parkering)).toBeNull();
    expect((await sql(sundsvall, `SELECT count(*)::int AS n FROM eforms_attachment WHERE submission_id = $1`, [ids.parkering]))[0].n).toBe(
      1,
    );

    at(3651);
    expect((await purger.purgeAll()).sundsvall.submissions).toBe(1);
    const [permit] = await sql(sundsvall, `SELECT data, purged_at FROM eforms_submission WHERE id = $1`, [ids.parkering]);
    expect(permit).toEqual({ data: {}, purged_at: new Date(start.getTime() + 3651 * DAY) });
    expect((await sql(sundsvall, `SELECT count(*)::int AS n FROM eforms_attachment WHERE submission_id = $1`, [ids.parkering]))[0].n).toBe(
      0,
    );
    // The decision (automated or not) is the record and stays.
    expect((await sql(sundsvall, `SELECT count(*)::int AS n FROM eforms_submission`))[0].n).toBe(2);
  });

  it('is idempotent and records each purge in the verified audit trail', async () => {
    expect(await purger.purgeAll()).toEqual({ sundsvall: { drafts: 0, submissions: 0 }, ange: { drafts: 0, submissions: 0 } });
    const audit = new AuditLog(db());
    const entries = await inTenant(sundsvall, () => audit.list());
    // (The admins' form changes are in the trail too.)
    expect(entries.filter((e) => e.actor === 'system:retention').map((e) => [e.actor, e.action, e.details.count])).toEqual([
      ['system:retention', 'eforms.submissions.purged', 1],
      ['system:retention', 'eforms.submissions.purged', 1],
      ['system:retention', 'eforms.drafts.purged', 1],
    ]);
    expect(JSON.stringify(entries)).not.toContain(testPersonnummer(1));
    expect(await inTenant(sundsvall, () => audit.verify())).toEqual({ intact: true, entries: entries.length });
    expect((await inTenant(ange, () => audit.verify())).intact).toBe(true);
  });
});
