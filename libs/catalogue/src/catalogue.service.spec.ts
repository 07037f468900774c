import * as path from 'node:path';
import { Database, DatabaseSchema, PLATFORM_DATABASE_SCHEMA, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { loadTenantConfigs, requestContext, SERVICE_IDS, TenantConfig } from '@kommuna/platform-tenancy';
import { buildTenantConfig, useTestDatabase } from '@kommuna/platform-testing';
import { CatalogueService } from './catalogue.service';
import { MIN_CELL_SIZE } from './disclosure';
import { CatalogueEntry, loadServiceCatalogue } from './descriptor/service-descriptor.loader';
import { UsageRepository } from './metering/usage.repository';
import { CATALOGUE_DATABASE_SCHEMA } from './schema';
import { demoConfiguration, seedDemoCatalogue } from './demo-seed';

const SCHEMA: DatabaseSchema = {
  entities: [...(PLATFORM_DATABASE_SCHEMA.entities as []), ...(CATALOGUE_DATABASE_SCHEMA.entities as [])],
  migrations: [...PLATFORM_DATABASE_SCHEMA.migrations, ...CATALOGUE_DATABASE_SCHEMA.migrations],
};
const repo = path.resolve(__dirname, '../../..');

/** The catalogue of this repository's service descriptors for these municipalities (synced into the directory), at `now`. */
async function catalogueFor(db: Database, configs: TenantConfig[], now: Date) {
  const directory = new TenantDirectory(db);
  const tenants = await directory.sync(configs);
  const entries = loadServiceCatalogue(
    path.join(repo, 'libs'),
    configs.map((config) => ({ file: `${config.slug}.yaml`, config })),
  );
  return { catalogue: new CatalogueService(db, directory, entries, () => now), tenants, directory, entries };
}

/** A month's metered use, counted as the outbox handlers count it. */
const addUsage = (db: Database, tenant: Tenant, service: string, metric: string, month: string, count: number) =>
  requestContext.run({ tenantId: tenant.id }, () =>
    db.transaction((em) => new UsageRepository().increment(em, tenant.id, service, metric, month, count)),
  );

type Stage = 'planned' | 'piloting' | 'production';
/** E-forms and digital mail at these stages. */
const formsAndMail = (eForms: Stage, mail: Stage) => ({
  'e-forms': { stage: eForms, settings: {} },
  'digital-mail': { stage: mail, settings: {} },
});

describe('catalogue service (on the database)', () => {
  const db = useTestDatabase(SCHEMA);
  const now = new Date('2025-06-15T10:00:00Z');
  const steering = { subject: 'styrgrupp', roles: ['steering_group'] };
  const admin = { subject: 'plattform', roles: ['platform_admin'] };
  let catalogue: CatalogueService;
  let tenants: Tenant[];
  let directory: TenantDirectory;
  let entries: CatalogueEntry[];
  /** A follow-up of e-forms' handling time in May 2025: 9 minutes. */
  const mayHandlingTime = {
    service: 'e-forms',
    hypothesisId: 'handling-time',
    periodStart: '2025-05-01',
    periodEnd: '2025-05-31',
    measuredValue: 9,
    measuredOn: '2025-06-10',
    source: 'Tidsstudie maj 2025',
  };
  const configs = [
    buildTenantConfig({
      slug: 'sundsvall',
      population: 99800,
      services: { ...formsAndMail('production', 'production'), minasidor: { stage: 'production', settings: {} } },
    }),
    buildTenantConfig({ slug: 'timra', population: 18100, services: formsAndMail('piloting', 'production') }),
    buildTenantConfig({ slug: 'ange', population: 9100, services: formsAndMail('production', 'piloting') }),
    // A new member: it plans to use the services, but the steering group has not decided yet.
    buildTenantConfig({ slug: 'kramfors', population: 18400, services: formsAndMail('planned', 'planned') }),
  ];

  beforeAll(async () => {
    ({ catalogue, tenants, directory, entries } = await catalogueFor(db(), configs, now));
    const [sundsvall, timra, ange, kramfors] = tenants;
    await addUsage(db(), sundsvall, 'digital-mail', 'letters_digital', '2025-01-01', 3000);
    await addUsage(db(), sundsvall, 'digital-mail', 'letters_digital', '2025-02-01', 3000);
    await addUsage(db(), timra, 'digital-mail', 'letters_digital', '2025-02-01', 2000);
    await addUsage(db(), ange, 'digital-mail', 'letters_digital', '2024-12-01', 999_999); // another year
    await addUsage(db(), sundsvall, 'e-forms', 'submissions', '2025-05-01', 100);
    await addUsage(db(), ange, 'e-forms', 'submissions', '2025-05-01', 50);
    // Trying a planned service out is metered, but it does not make the municipality pay.
    await addUsage(db(), kramfors, 'digital-mail', 'letters_digital', '2025-02-01', 40);
  });

  it('shares a per-use budget by the metered use of the year, to the krona', async () => {
    const [mail] = await catalogue.costs(steering, 2025, 'digital-mail');
    // 8 000 letters in 2025: Sundsvall 6 000, Timrå 2 000, Ånge (piloting) none → 450 000 kr by 6:2:0.
    expect(mail.sharing).toMatchObject({ budgetSek: 450000, allocationKey: 'per_use', appliedKey: 'per_use' });
    expect(mail.shares.map((s) => [s.slug, s.months, s.basis, s.amountSek])).toEqual([
      ['ange', 12, 0, 0],
      ['sundsvall', 12, 6000, 337500],
      ['timra', 12, 2000, 112500],
    ]);
    // A year without metered use falls back to shares by months of use, still summing to the budget.
    const [empty] = await catalogue.costs(steering, 2026, 'digital-mail');
    expect(empty.sharing).toMatchObject({ budgetSek: 500000, appliedKey: 'equal' });
    expect(empty.shares.reduce((s, x) => s + x.amountSek, 0)).toBe(500000);
    // A year with no budget in service.yaml has nothing to share.
    const [none] = await catalogue.costs(steering, 2023, 'digital-mail');
    expect(none).toMatchObject({ sharing: { budgetSek: null }, shares: [], closed: null });
  });

  it('shares a per-capita budget by population among the municipalities using the service', async () => {
    const [eForms] = await catalogue.costs(admin, 2025, 'e-forms');
    expect(eForms.shares.map((s) => [s.slug, s.basis])).toEqual([
      ['ange', 9100 * 12],
      ['sundsvall', 99800 * 12],
      ['timra', 18100 * 12],
    ]);
    expect(eForms.shares.reduce((s, x) => s + x.amountSek, 0)).toBe(1_200_000);
  });

  it('charges a municipality nothing for a service it has only planned, though it shows in the adoption matrix', async () => {
    for (const service of ['e-forms', 'digital-mail']) {
      const [costs] = await catalogue.costs(steering, 2025, service);
      expect(costs.shares.map((s) => s.slug)).not.toContain('kramfors');
      expect((await catalogue.service(steering, service)).adoption).toContainEqual(
        expect.objectContaining({ slug: 'kramfors', stage: 'planned' }),
      );
    }
    const view = await catalogue.municipality(steering, 'kramfors', 2025);
    const planned = view.services.filter((s) => s.stage === 'planned').map((s) => ({ service: s.service, costSek: s.costSek }));
    expect(planned.sort((a, b) => a.service.localeCompare(b.service))).toEqual([
      { service: 'digital-mail', costSek: null },
      { service: 'e-forms', costSek: null },
    ]);
    expect(view.totalCostSek).toBe(0);
  });

  it('estimates the benefit from metered use across municipalities, beside recorded follow-ups', async () => {
    await catalogue.recordFollowUp(steering, mayHandlingTime);
    const benefits = await catalogue.benefits(steering, 'e-forms', '2025-04', '2025-05');
    const handling = benefits.find((b) => b.hypothesis.id === 'handling-time')!;
    // 150 submissions × 8–12 min × 520 kr/h = 10 400–15 600 kr; measured 9 min → 11 700 kr.
    expect(handling.months).toEqual([
      { month: '2025-04-01', usage: 0, estimatedSek: { low: 0, high: 0 }, estimatedHours: { low: 0, high: 0 }, followedUpSek: null },
      {
        month: '2025-05-01',
        usage: 150,
        estimatedSek: { low: 10400, high: 15600 },
        estimatedHours: { low: 20, high: 30 },
        followedUpSek: 11700,
      },
    ]);
    expect(handling.total).toMatchObject({ usage: 150, estimatedHours: { low: 20, high: 30 } });
    expect(benefits.find((b) => b.hypothesis.id === 'automated-decision')!.total.usage).toBe(0);
  });

  it('refuses a follow-up that does not fit its hypothesis, naming the field, and records nothing', async () => {
    const before = (await catalogue.followUps(steering, 'e-forms')).length;
    const base = mayHandlingTime;
    await expect(catalogue.recordFollowUp(steering, { ...base, hypothesisId: 'coffee' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'hypothesisId', message: expect.stringMatching(/has no benefit hypothesis "coffee"/) }],
    });
    await expect(catalogue.recordFollowUp(steering, { ...base, measuredOn: '2025-07-01', periodEnd: '2025-06-30' })).rejects.toMatchObject({
      details: [{ field: 'measuredOn' }],
    });
    await expect(catalogue.recordFollowUp(steering, { ...base, measuredValue: -1 })).rejects.toMatchObject({
      details: [{ field: 'measuredValue' }],
    });
    await expect(catalogue.recordFollowUp(steering, { ...base, periodStart: '2025-13-01' })).rejects.toMatchObject({
      details: [{ field: 'periodStart' }],
    });
    await expect(catalogue.recordFollowUp(steering, { ...base, service: 'parking' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await catalogue.followUps(steering, 'e-forms')).toHaveLength(before);
  });

  it('records a promotion with its diary number and evidence, and keeps the history', async () => {
    // digital-mail: production at Sundsvall and Timrå, Ånge piloting; its service.yaml says beta.
    await expect(
      catalogue.decide(steering, { service: 'digital-mail', toStatus: 'stable', decidedOn: '2025-06-12', diaryNumber: 'KS 2025/0301' }),
    ).rejects.toMatchObject({
      code: 'PROMOTION_REFUSED',
      details: {
        missing: [{ en: 'stable requires production at 3 or more municipalities; in production: 2 (sundsvall, timra), 1 missing' }],
      },
    });
    expect(await catalogue.decisions(steering, 'digital-mail')).toEqual([]);

    const decision = await catalogue.decide(steering, {
      service: 'digital-mail',
      toStatus: 'obsolete',
      decidedOn: '2025-06-12',
      diaryNumber: 'KS 2025/0302',
    });
    expect(decision).toMatchObject({
      service: 'digital-mail',
      fromStatus: 'beta',
      toStatus: 'obsolete',
      diaryNumber: 'KS 2025/0302',
      decidedOn: '2025-06-12',
      recordedBy: 'styrgrupp',
    });
    expect(decision.evidence).toMatchObject({
      adoption: [
        { slug: 'ange', stage: 'piloting' },
        { slug: 'kramfors', stage: 'planned' },
        { slug: 'sundsvall', stage: 'production' },
        { slug: 'timra', stage: 'production' },
      ],
      production: 2,
      piloting: 1,
      usageLast12Months: { letters_digital: 999_999 + 8000 + 40, letters_paper: 0 },
    });
    // The status in force follows the decision; nothing comes back from obsolete.
    expect((await catalogue.service(steering, 'digital-mail')).status).toBe('obsolete');
    await expect(
      catalogue.decide(steering, { service: 'digital-mail', toStatus: 'stable', decidedOn: '2025-06-13', diaryNumber: 'KS 2025/0303' }),
    ).rejects.toMatchObject({ code: 'PROMOTION_REFUSED' });
    expect((await catalogue.decisions(steering, 'digital-mail')).map((d) => d.diaryNumber)).toEqual(['KS 2025/0302']);
    // The history is append-only for the application.
    await expect(db().platformTransaction((em) => em.query(`UPDATE catalogue_status_decision SET diary_number = 'x'`))).rejects.toThrow(
      /permission denied/,
    );
    await expect(db().platformTransaction((em) => em.query(`DELETE FROM catalogue_follow_up`))).rejects.toThrow(/permission denied/);
  });

  it('refuses a decision dated in the future or without a proper diary number', async () => {
    await expect(
      catalogue.decide(steering, { service: 'e-forms', toStatus: 'stable', decidedOn: '2025-06-16', diaryNumber: 'KS 2025/1' }),
    ).rejects.toMatchObject({ details: [{ field: 'decidedOn' }] });
    await expect(
      catalogue.decide(steering, { service: 'e-forms', toStatus: 'stable', decidedOn: '2025-06-01', diaryNumber: '' }),
    ).rejects.toMatchObject({ details: [{ field: 'diaryNumber' }] });
  });

  it('lets the steering group and platform admins read, only the steering group write, and nobody else in', async () => {
    expect((await catalogue.services(admin)).map((s) => s.id).sort()).toEqual([...SERVICE_IDS].sort());
    await expect(catalogue.recordFollowUp(admin, mayHandlingTime)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    for (const roles of [['citizen'], ['case_worker'], ['tenant_admin'], []]) {
      const actor = { subject: 'x', roles };
      await expect(catalogue.services(actor)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(catalogue.costs(actor, 2025)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(catalogue.municipality(actor, 'sundsvall', 2025)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
  });

  it('shows a municipality its services, shares and benefit, and refuses an unknown one', async () => {
    const view = await catalogue.municipality(steering, 'ange', 2025);
    expect(view).toMatchObject({ slug: 'ange', population: 9100, year: 2025 });
    const eForms = view.services.find((s) => s.service === 'e-forms')!;
    // 50 submissions in May 2025, within the last 12 months of 2025-06.
    expect(eForms).toMatchObject({
      stage: 'production',
      usage: [
        { metric: 'submissions', count: 50 },
        { metric: 'automated_decisions', count: 0 },
      ],
    });
    expect(eForms.estimatedSek).toEqual({ low: 3467, high: 5200 });
    expect(view.services.find((s) => s.service === 'minasidor')).toMatchObject({ stage: null, costSek: null });
    expect(view.totalCostSek).toBe(view.services.reduce((s, x) => s + (x.costSek ?? 0), 0));
    await expect(catalogue.municipality(steering, 'gotham', 2025)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('exports publiccode.yml with the status in force and nothing internal', async () => {
    const yaml = await catalogue.publiccode('digital-mail');
    expect(yaml).toMatch(/^publiccodeYmlVersion: "0.4"$/m);
    expect(yaml).toMatch(/^developmentStatus: obsolete$/m);
    expect(yaml).not.toMatch(/yearlyBudget|450000|sekPerHour|letters_digital/);
  });

  it('seeds demo usage idempotently, leaving metered months alone', async () => {
    const tenantsDir = path.join(repo, 'tenants');
    expect(await catalogue.isDemo(steering)).toBe(false);
    await seedDemoCatalogue(db(), directory, entries, tenantsDir, now);
    const first = await catalogue.usageTotals(steering, '2024-07', '2025-06');
    await seedDemoCatalogue(db(), directory, entries, tenantsDir, now);
    expect(await catalogue.isDemo(steering)).toBe(true);
    expect(await catalogue.usageTotals(steering, '2024-07', '2025-06')).toEqual(first);
    // The months metered before seeding kept their figures.
    expect(first.find((u) => u.slug === 'sundsvall' && u.metric === 'letters_digital' && u.month === '2025-01-01')!.count).toBe(3000);
    // Every service a municipality uses has 12 months of figures, where its configuration allows them:
    // Sundsvall publishes forms (tenants/sundsvall/forms), Timrå none here, so it has no submissions.
    expect(first.filter((u) => u.slug === 'sundsvall' && u.metric === 'submissions')).toHaveLength(12);
    expect(first.filter((u) => u.slug === 'timra' && u.metric === 'submissions')).toHaveLength(0);
    expect(first.filter((u) => u.slug === 'timra' && u.metric === 'letters_digital')).toHaveLength(12);
    expect(first.filter((u) => u.slug === 'timra' && u.service === 'minasidor')).toHaveLength(0);
    // A planned service gets no demo figures: only what was metered.
    expect(first.filter((u) => u.slug === 'kramfors').map((u) => [u.metric, u.month, u.count])).toEqual([
      ['letters_digital', '2025-02-01', 40],
    ]);
  });
});

// Issue 22: demo figures contradicted the configuration (Härnösand showed 3,465 submissions with no
// published forms, Ånge 325 automated decisions with automated decisions switched off).
describe('catalogue demo figures from the shipped configuration (on the database)', () => {
  const db = useTestDatabase(SCHEMA);
  const now = new Date('2026-11-15T10:00:00Z');
  const steering = { subject: 'styrgrupp', roles: ['steering_group'] };

  it('generates figures only where the tenant files allow them, in the months of use, and marks them as demo', async () => {
    const tenantsDir = path.join(repo, 'tenants');
    const loaded = loadTenantConfigs(tenantsDir);
    const directory = new TenantDirectory(db());
    await directory.sync(loaded.map((t) => t.config));
    const entries = loadServiceCatalogue(path.join(repo, 'libs'), loaded);
    const catalogue = new CatalogueService(db(), directory, entries, () => now);
    await seedDemoCatalogue(db(), directory, entries, tenantsDir, now);
    const usage = await catalogue.usageTotals(steering, '2025-12', '2026-11');
    const sum = (slug: string, metric: string) =>
      usage.filter((u) => u.slug === slug && u.metric === metric).reduce((s, u) => s + (u.count ?? 0), 0);
    const cells = (slug: string, metric: string) => usage.filter((u) => u.slug === slug && u.metric === metric);
    for (const { config } of loaded) {
      const demo = demoConfiguration(tenantsDir, config);
      if (demo.publishedForms.length === 0)
        expect({ slug: config.slug, submissions: cells(config.slug, 'submissions') }).toEqual({ slug: config.slug, submissions: [] });
      if (demo.automatedForms.length === 0)
        expect({ slug: config.slug, automated: cells(config.slug, 'automated_decisions') }).toEqual({ slug: config.slug, automated: [] });
    }
    // The shipped files: Härnösand publishes no form, Ånge adopts one but decides nothing automatically.
    expect(demoConfiguration(tenantsDir, loaded.find((t) => t.config.slug === 'harnosand')!.config).publishedForms).toEqual([]);
    expect(cells('harnosand', 'submissions')).toEqual([]);
    expect(sum('ange', 'submissions')).toBeGreaterThan(0);
    expect(cells('ange', 'automated_decisions')).toEqual([]);
    expect(sum('sundsvall', 'automated_decisions')).toBeGreaterThan(0);
    // Ånge pilots digital mail from 2026-03-01: nothing before.
    expect(cells('ange', 'letters_digital').map((u) => u.month)[0]).toBe('2026-03-01');
    // Sundsvall pilots the AI platform from 2026-12-01: its December gets demo letters but no
    // approved AI drafts, which only a case worker's approval meters.
    await seedDemoCatalogue(db(), directory, entries, tenantsDir, new Date('2026-12-15T10:00:00Z'));
    const december = await catalogue.usageTotals(steering, '2026-12', '2026-12');
    expect(december.filter((u) => u.slug === 'sundsvall' && u.metric === 'letters_digital')).toHaveLength(1);
    expect(december.filter((u) => u.service === 'ai')).toEqual([]);
    expect(await catalogue.isDemo(steering)).toBe(true);
    for (const f of await catalogue.followUps(steering)) expect(f.source).toMatch(/^DEMO/);
    for (const d of await catalogue.decisions(steering)) expect(d.diaryNumber).toMatch(/^DEMO /);
  });
});

// Issue 22: the year selector changed only the label, and a member joining in December 2026 made
// catalogueCosts(year: 2024) split Mina sidor five ways.
describe('catalogue years, pro-rata joining and closed years (on the database)', () => {
  const db = useTestDatabase(SCHEMA);
  const now = new Date('2027-02-15T10:00:00Z');
  const steering = { subject: 'styrgrupp', roles: ['steering_group'] };
  const admin = { subject: 'plattform', roles: ['platform_admin'] };
  const minasidor = (pilotingFrom: string) => ({ minasidor: { stage: 'production' as const, pilotingFrom, settings: {} } });
  const founders = [
    buildTenantConfig({ slug: 'sundsvall', population: 99800, memberSince: '2024-01-01', services: minasidor('2024-01-01') }),
    buildTenantConfig({ slug: 'timra', population: 18100, memberSince: '2024-01-01', services: minasidor('2024-01-01') }),
    buildTenantConfig({ slug: 'ange', population: 9100, memberSince: '2024-01-01', services: minasidor('2024-01-01') }),
    buildTenantConfig({ slug: 'harnosand', population: 24600, memberSince: '2024-01-01', services: minasidor('2024-01-01') }),
  ];
  const kramfors = (pilotingFrom: string): TenantConfig =>
    buildTenantConfig({
      slug: 'kramfors',
      population: 18400,
      memberSince: pilotingFrom,
      services: { minasidor: { stage: 'piloting', pilotingFrom, settings: {} } },
    });
  let synced: Tenant[] = [];
  const catalogueWith = async (configs: TenantConfig[]) => {
    const { catalogue, tenants } = await catalogueFor(db(), configs, now);
    synced = tenants;
    return catalogue;
  };
  const sharesOf = async (catalogue: CatalogueService, year: number) =>
    (await catalogue.costs(steering, year, 'minasidor'))[0].shares.map((s) => [s.slug, s.months, s.amountSek]);

  it("charges a member joining in December 2026 for one month of 2026 and nothing before, leaving the others' past shares alone", async () => {
    const before = await catalogueWith(founders);
    const shares2024 = await sharesOf(before, 2024);
    // Mina sidor 2024: 800 000 kr, four members all year.
    expect(shares2024).toEqual([
      ['ange', 12, 200000],
      ['harnosand', 12, 200000],
      ['sundsvall', 12, 200000],
      ['timra', 12, 200000],
    ]);
    const shares2025 = await sharesOf(before, 2025);
    const after = await catalogueWith([...founders, kramfors('2026-12-01')]);
    expect(await sharesOf(after, 2024)).toEqual(shares2024);
    expect(await sharesOf(after, 2025)).toEqual(shares2025);
    // 2026 (900 000 kr): 48 + 1 member-months; Kramfors pays one of them (18 367.35, and the one
    // krona left over by the floors goes to its remainder, the largest).
    const shares2026 = await sharesOf(after, 2026);
    expect(shares2026).toContainEqual(['kramfors', 1, 18368]);
    expect(shares2026.reduce((s, x) => s + (x[2] as number), 0)).toBe(900000);
  });

  it('changes budget, shares and use with the year chosen', async () => {
    const catalogue = await catalogueWith([...founders, kramfors('2026-12-01')]);
    const sundsvall = synced.find((t) => t.slug === 'sundsvall')!;
    await requestContext.run({ tenantId: sundsvall.id }, () =>
      db().transaction(async (em) => {
        await new UsageRepository().increment(em, sundsvall.id, 'minasidor', 'case_updates', '2025-03-01', 700);
        await new UsageRepository().increment(em, sundsvall.id, 'minasidor', 'case_updates', '2026-03-01', 1100);
      }),
    );
    const budgets = await Promise.all(
      [2024, 2025, 2026, 2027].map(async (y) => (await catalogue.costs(steering, y, 'minasidor'))[0].sharing.budgetSek),
    );
    expect(budgets).toEqual([800000, 850000, 900000, 900000]);
    const view = async (year: number) => {
      const m = await catalogue.municipality(steering, 'sundsvall', year);
      const s = m.services.find((x) => x.service === 'minasidor')!;
      return { costSek: s.costSek, usage: s.usage[0].count, months: m.months.length };
    };
    expect(await view(2025)).toEqual({ costSek: 212500, usage: 700, months: 12 });
    expect(await view(2026)).toEqual({ costSek: Math.floor((900000 * 12) / 49), usage: 1100, months: 12 });
    // The year under way: its months so far.
    expect((await view(2027)).months).toBe(2);
  });

  it('keeps a closed year as decided, whatever changes afterwards, and closes it once', async () => {
    const catalogue = await catalogueWith([...founders, kramfors('2026-12-01')]);
    const decided = await catalogue.costs(steering, 2026);
    const closing = await catalogue.closeYear(steering, { year: 2026, decidedOn: '2027-02-10', diaryNumber: 'KS 2027/0012' });
    expect(closing).toMatchObject({ year: 2026, decidedOn: '2027-02-10', diaryNumber: 'KS 2027/0012', recordedBy: 'styrgrupp' });
    // Afterwards the membership records change: Kramfors turns out to have piloted from June.
    const changed = await catalogueWith([...founders, kramfors('2026-06-01')]);
    const frozen = await changed.costs(steering, 2026);
    expect(frozen.map(({ closed: _, ...rest }) => rest)).toEqual(decided.map(({ closed: _, ...rest }) => rest));
    expect(frozen.every((c) => c.closed?.diaryNumber === 'KS 2027/0012')).toBe(true);
    expect((await changed.municipality(steering, 'kramfors', 2026)).services.find((s) => s.service === 'minasidor')!.costSek).toBe(18368);
    // An open year follows the records.
    expect((await changed.costs(steering, 2027, 'minasidor'))[0].closed).toBeNull();
    await expect(changed.closeYear(steering, { year: 2026, decidedOn: '2027-02-11', diaryNumber: 'KS 2027/0013' })).rejects.toMatchObject({
      code: 'YEAR_CLOSED',
    });
    expect((await changed.closedYears(admin)).map((c) => c.diaryNumber)).toEqual(['KS 2027/0012']);
    await expect(db().platformTransaction((em) => em.query(`UPDATE catalogue_year_closing SET diary_number = 'x'`))).rejects.toThrow(
      /permission denied/,
    );
  });

  it('refuses closing a year not yet ended, a decision dated before the year ended, and anyone but the steering group', async () => {
    const catalogue = await catalogueWith(founders);
    await expect(catalogue.closeYear(steering, { year: 2027, decidedOn: '2027-02-10', diaryNumber: 'KS 2027/0014' })).rejects.toMatchObject(
      { code: 'VALIDATION_FAILED', details: expect.arrayContaining([expect.objectContaining({ field: 'year' })]) },
    );
    await expect(catalogue.closeYear(steering, { year: 2025, decidedOn: '2025-12-15', diaryNumber: 'KS 2025/0900' })).rejects.toMatchObject(
      { details: [{ field: 'decidedOn' }] },
    );
    await expect(catalogue.closeYear(steering, { year: 2025, decidedOn: '2026-01-15', diaryNumber: '' })).rejects.toMatchObject({
      details: [{ field: 'diaryNumber' }],
    });
    await expect(catalogue.closeYear(admin, { year: 2025, decidedOn: '2026-01-15', diaryNumber: 'KS 2026/0001' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await catalogue.closedYears(steering)).map((c) => c.year)).toEqual([2026]);
  });
});

// Issue 23, fault 8: a count of 4 submissions in a small municipality's month was shown, and small
// counts can point at the residents behind them.
describe('catalogue minimum cell size (on the database)', () => {
  const db = useTestDatabase(SCHEMA);
  const now = new Date('2025-06-15T10:00:00Z');
  const steering = { subject: 'styrgrupp', roles: ['steering_group'] };
  let catalogue: CatalogueService;
  const configs = [
    buildTenantConfig({ slug: 'sundsvall', population: 99800, services: formsAndMail('production', 'production') }),
    buildTenantConfig({ slug: 'timra', population: 18100, services: formsAndMail('production', 'production') }),
  ];

  beforeAll(async () => {
    let tenants: Tenant[];
    ({ catalogue, tenants } = await catalogueFor(db(), configs, now));
    const [sundsvall, timra] = tenants;
    await addUsage(db(), timra, 'e-forms', 'submissions', '2025-03-01', 4);
    await addUsage(db(), timra, 'e-forms', 'submissions', '2025-04-01', MIN_CELL_SIZE);
    await addUsage(db(), timra, 'e-forms', 'submissions', '2025-05-01', 1);
    await addUsage(db(), sundsvall, 'e-forms', 'submissions', '2025-05-01', 60);
    await addUsage(db(), sundsvall, 'digital-mail', 'letters_digital', '2025-02-01', 4);
    await addUsage(db(), timra, 'digital-mail', 'letters_digital', '2025-02-01', 100);
  });

  it('shows a count below 5 as suppressed, never its value, and 5 as it is', async () => {
    expect(MIN_CELL_SIZE).toBe(5);
    const totals = await catalogue.usageTotals(steering, '2025-01', '2025-06');
    const cell = (slug: string, metric: string, month: string) =>
      totals.find((u) => u.slug === slug && u.metric === metric && u.month === month);
    expect(cell('timra', 'submissions', '2025-03-01')).toMatchObject({ count: null, suppressed: true });
    expect(cell('timra', 'submissions', '2025-04-01')).toMatchObject({ count: 5, suppressed: false });
    expect(cell('timra', 'submissions', '2025-05-01')).toMatchObject({ count: null, suppressed: true });
    expect(cell('sundsvall', 'letters_digital', '2025-02-01')).toMatchObject({ count: null, suppressed: true });
    // The database function itself never hands the app role a small count.
    const raw: Array<{ count: string | number | null }> = await db().dataSource.query(
      `SELECT count FROM catalogue_usage_between('2025-01-01', '2025-06-01')`,
    );
    expect(raw.map((r) => (r.count === null ? null : Number(r.count))).filter((c) => c !== null && c > 0 && c < 5)).toEqual([]);
  });

  it('leaves suppressed cells out of every sum, share and benefit, so none can be backed out', async () => {
    // Timrå's 12 months: 5 published, 4 and 1 suppressed; the total is of what is shown, and says so.
    const timra = await catalogue.municipality(steering, 'timra', 2025);
    expect(timra.services.find((s) => s.service === 'e-forms')!.usage.find((u) => u.metric === 'submissions')).toEqual({
      metric: 'submissions',
      count: 5,
      partial: true,
    });
    const sundsvall = await catalogue.municipality(steering, 'sundsvall', 2025);
    expect(sundsvall.services.find((s) => s.service === 'digital-mail')!.usage.find((u) => u.metric === 'letters_digital')).toEqual({
      metric: 'letters_digital',
      count: 0,
      partial: true,
    });
    // Per-use shares: Sundsvall's 4 letters count as none, so the shares do not reveal them.
    const [mail] = await catalogue.costs(steering, 2025, 'digital-mail');
    expect(mail.shares.map((s) => [s.slug, s.basis, s.amountSek])).toEqual([
      ['sundsvall', 0, 0],
      ['timra', 100, 450000],
    ]);
    // Benefit across municipalities: May is Sundsvall's 60 alone, March nothing.
    const [handling] = await catalogue.benefits(steering, 'e-forms', '2025-01', '2025-06');
    expect(handling.months.map((m) => [m.month, m.usage])).toEqual([
      ['2025-01-01', 0],
      ['2025-02-01', 0],
      ['2025-03-01', 0],
      ['2025-04-01', 5],
      ['2025-05-01', 60],
      ['2025-06-01', 0],
    ]);
  });
});
