import * as path from 'node:path';
import { DatabaseSchema, PLATFORM_DATABASE_SCHEMA, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { buildTenantConfig, useTestDatabase } from '@kommuna/platform-testing';
import { CatalogueService } from './catalogue.service';
import { MIN_CELL_SIZE } from './disclosure';
import { loadServiceCatalogue } from './descriptor/service-descriptor.loader';
import { UsageRepository } from './metering/usage.repository';
import { CATALOGUE_DATABASE_SCHEMA } from './schema';
import { seedDemoCatalogue } from './demo-seed';

const SCHEMA: DatabaseSchema = {
  entities: [...(PLATFORM_DATABASE_SCHEMA.entities as []), ...(CATALOGUE_DATABASE_SCHEMA.entities as [])],
  migrations: [...PLATFORM_DATABASE_SCHEMA.migrations, ...CATALOGUE_DATABASE_SCHEMA.migrations],
};
const repo = path.resolve(__dirname, '../../..');

describe('catalogue service (on the database)', () => {
  const db = useTestDatabase(SCHEMA);
  const now = new Date('2025-06-15T10:00:00Z');
  const steering = { subject: 'styrgrupp', roles: ['steering_group'] };
  const admin = { subject: 'plattform', roles: ['platform_admin'] };
  let catalogue: CatalogueService;
  let tenants: Tenant[];
  const configs = [
    buildTenantConfig({ slug: 'sundsvall', population: 99800, services: { 'e-forms': { stage: 'production', settings: {} }, 'digital-mail': { stage: 'production', settings: {} }, minasidor: { stage: 'production', settings: {} } } }),
    buildTenantConfig({ slug: 'timra', population: 18100, services: { 'e-forms': { stage: 'piloting', settings: {} }, 'digital-mail': { stage: 'production', settings: {} } } }),
    buildTenantConfig({ slug: 'ange', population: 9100, services: { 'e-forms': { stage: 'production', settings: {} }, 'digital-mail': { stage: 'piloting', settings: {} } } }),
    // A new member: it plans to use the services, but the steering group has not decided yet.
    buildTenantConfig({ slug: 'kramfors', population: 18400, services: { 'e-forms': { stage: 'planned', settings: {} }, 'digital-mail': { stage: 'planned', settings: {} } } }),
  ];

  const addUsage = (tenant: Tenant, service: string, metric: string, month: string, count: number) =>
    requestContext.run({ tenantId: tenant.id }, () => db().transaction((em) => new UsageRepository().increment(em, tenant.id, service, metric, month, count)));

  beforeAll(async () => {
    const directory = new TenantDirectory(db());
    tenants = await directory.sync(configs);
    const entries = loadServiceCatalogue(path.join(repo, 'libs'), configs.map((config) => ({ file: `${config.slug}.yaml`, config })));
    catalogue = new CatalogueService(db(), directory, entries, () => now);
    const [sundsvall, timra, ange, kramfors] = tenants;
    await addUsage(sundsvall, 'digital-mail', 'letters_digital', '2025-01-01', 3000);
    await addUsage(sundsvall, 'digital-mail', 'letters_digital', '2025-02-01', 3000);
    await addUsage(timra, 'digital-mail', 'letters_digital', '2025-02-01', 2000);
    await addUsage(ange, 'digital-mail', 'letters_digital', '2024-12-01', 999_999); // another year
    await addUsage(sundsvall, 'e-forms', 'submissions', '2025-05-01', 100);
    await addUsage(ange, 'e-forms', 'submissions', '2025-05-01', 50);
    // Trying a planned service out is metered, but it does not make the municipality pay.
    await addUsage(kramfors, 'digital-mail', 'letters_digital', '2025-02-01', 40);
  });

  it('shares a per-use budget by the metered use of the year, to the krona', async () => {
    const [mail] = await catalogue.costs(steering, 2025, 'digital-mail');
    // 8 000 letters in 2025: Sundsvall 6 000, Timrå 2 000, Ånge (piloting) none → 450 000 kr by 6:2:0.
    expect(mail.sharing).toMatchObject({ budgetSek: 450000, allocationKey: 'per_use', appliedKey: 'per_use' });
    expect(mail.shares.map((s) => [s.slug, s.basis, s.amountSek])).toEqual([
      ['ange', 0, 0],
      ['sundsvall', 6000, 337500],
      ['timra', 2000, 112500],
    ]);
    // A year without metered use falls back to equal shares, still summing to the budget.
    const [empty] = await catalogue.costs(steering, 2023, 'digital-mail');
    expect(empty.sharing.appliedKey).toBe('equal');
    expect(empty.shares.reduce((s, x) => s + x.amountSek, 0)).toBe(450000);
  });

  it('shares a per-capita budget by population among the municipalities using the service', async () => {
    const [eForms] = await catalogue.costs(admin, 2025, 'e-forms');
    expect(eForms.shares.map((s) => [s.slug, s.basis])).toEqual([
      ['ange', 9100],
      ['sundsvall', 99800],
      ['timra', 18100],
    ]);
    expect(eForms.shares.reduce((s, x) => s + x.amountSek, 0)).toBe(1_200_000);
  });

  it('charges a municipality nothing for a service it has only planned, though it shows in the adoption matrix', async () => {
    for (const service of ['e-forms', 'digital-mail']) {
      const [costs] = await catalogue.costs(steering, 2025, service);
      expect(costs.shares.map((s) => s.slug)).not.toContain('kramfors');
      expect((await catalogue.service(steering, service)).adoption).toContainEqual(expect.objectContaining({ slug: 'kramfors', stage: 'planned' }));
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
    await catalogue.recordFollowUp(steering, {
      service: 'e-forms',
      hypothesisId: 'handling-time',
      periodStart: '2025-05-01',
      periodEnd: '2025-05-31',
      measuredValue: 9,
      measuredOn: '2025-06-10',
      source: 'Tidsstudie maj 2025',
    });
    const benefits = await catalogue.benefits(steering, 'e-forms', '2025-04', '2025-05');
    const handling = benefits.find((b) => b.hypothesis.id === 'handling-time')!;
    // 150 submissions × 8–12 min × 520 kr/h = 10 400–15 600 kr; measured 9 min → 11 700 kr.
    expect(handling.months).toEqual([
      { month: '2025-04-01', usage: 0, estimatedSek: { low: 0, high: 0 }, estimatedHours: { low: 0, high: 0 }, followedUpSek: null },
      { month: '2025-05-01', usage: 150, estimatedSek: { low: 10400, high: 15600 }, estimatedHours: { low: 20, high: 30 }, followedUpSek: 11700 },
    ]);
    expect(benefits.find((b) => b.hypothesis.id === 'automated-decision')!.total.usage).toBe(0);
  });

  it('refuses a follow-up that does not fit its hypothesis, naming the field, and records nothing', async () => {
    const before = (await catalogue.followUps(steering, 'e-forms')).length;
    const base = { service: 'e-forms', hypothesisId: 'handling-time', periodStart: '2025-05-01', periodEnd: '2025-05-31', measuredValue: 9, measuredOn: '2025-06-10', source: 'Tidsstudie' };
    await expect(catalogue.recordFollowUp(steering, { ...base, hypothesisId: 'coffee' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'hypothesisId', message: expect.stringMatching(/has no benefit hypothesis "coffee"/) }] });
    await expect(catalogue.recordFollowUp(steering, { ...base, measuredOn: '2025-07-01', periodEnd: '2025-06-30' })).rejects.toMatchObject({ details: [{ field: 'measuredOn' }] });
    await expect(catalogue.recordFollowUp(steering, { ...base, measuredValue: -1 })).rejects.toMatchObject({ details: [{ field: 'measuredValue' }] });
    await expect(catalogue.recordFollowUp(steering, { ...base, periodStart: '2025-13-01' })).rejects.toMatchObject({ details: [{ field: 'periodStart' }] });
    await expect(catalogue.recordFollowUp(steering, { ...base, service: 'parking' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await catalogue.followUps(steering, 'e-forms')).toHaveLength(before);
  });

  it('records a promotion with its diary number and evidence, and keeps the history', async () => {
    // digital-mail: production at Sundsvall and Timrå, Ånge piloting; its service.yaml says beta.
    await expect(catalogue.decide(steering, { service: 'digital-mail', toStatus: 'stable', decidedOn: '2025-06-12', diaryNumber: 'KS 2025/0301' })).rejects.toMatchObject({
      code: 'PROMOTION_REFUSED',
      details: { missing: [{ en: 'stable requires production at 3 or more municipalities; in production: 2 (sundsvall, timra), 1 missing' }] },
    });
    expect(await catalogue.decisions(steering, 'digital-mail')).toEqual([]);

    const decision = await catalogue.decide(steering, { service: 'digital-mail', toStatus: 'obsolete', decidedOn: '2025-06-12', diaryNumber: 'KS 2025/0302' });
    expect(decision).toMatchObject({ service: 'digital-mail', fromStatus: 'beta', toStatus: 'obsolete', diaryNumber: 'KS 2025/0302', decidedOn: '2025-06-12', recordedBy: 'styrgrupp' });
    expect(decision.evidence).toMatchObject({
      adoption: [{ slug: 'ange', stage: 'piloting' }, { slug: 'kramfors', stage: 'planned' }, { slug: 'sundsvall', stage: 'production' }, { slug: 'timra', stage: 'production' }],
      production: 2,
      piloting: 1,
      usageLast12Months: { letters_digital: 999_999 + 8000 + 40, letters_paper: 0 },
    });
    // The status in force follows the decision; nothing comes back from obsolete.
    expect((await catalogue.service(steering, 'digital-mail')).status).toBe('obsolete');
    await expect(catalogue.decide(steering, { service: 'digital-mail', toStatus: 'stable', decidedOn: '2025-06-13', diaryNumber: 'KS 2025/0303' })).rejects.toMatchObject({ code: 'PROMOTION_REFUSED' });
    expect((await catalogue.decisions(steering, 'digital-mail')).map((d) => d.diaryNumber)).toEqual(['KS 2025/0302']);
    // The history is append-only for the application.
    await expect(db().platformTransaction((em) => em.query(`UPDATE catalogue_status_decision SET diary_number = 'x'`))).rejects.toThrow(/permission denied/);
    await expect(db().platformTransaction((em) => em.query(`DELETE FROM catalogue_follow_up`))).rejects.toThrow(/permission denied/);
  });

  it('refuses a decision dated in the future or without a proper diary number', async () => {
    await expect(catalogue.decide(steering, { service: 'e-forms', toStatus: 'stable', decidedOn: '2025-06-16', diaryNumber: 'KS 2025/1' })).rejects.toMatchObject({ details: [{ field: 'decidedOn' }] });
    await expect(catalogue.decide(steering, { service: 'e-forms', toStatus: 'stable', decidedOn: '2025-06-01', diaryNumber: '' })).rejects.toMatchObject({ details: [{ field: 'diaryNumber' }] });
  });

  it('lets the steering group and platform admins read, only the steering group write, and nobody else in', async () => {
    expect((await catalogue.services(admin)).map((s) => s.id).sort()).toEqual(['catalogue', 'digital-mail', 'e-forms', 'minasidor']);
    const followUp = { service: 'e-forms', hypothesisId: 'handling-time', periodStart: '2025-05-01', periodEnd: '2025-05-31', measuredValue: 9, measuredOn: '2025-06-10', source: 'x-source' };
    await expect(catalogue.recordFollowUp(admin, followUp)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    for (const roles of [['citizen'], ['case_worker'], ['tenant_admin'], []]) {
      const actor = { subject: 'x', roles };
      await expect(catalogue.services(actor)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(catalogue.costs(actor, 2025)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(catalogue.municipality(actor, 'sundsvall', 2025)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
  });

  it("shows a municipality its services, shares and benefit, and refuses an unknown one", async () => {
    const view = await catalogue.municipality(steering, 'ange', 2025);
    expect(view).toMatchObject({ slug: 'ange', population: 9100, year: 2025 });
    const eForms = view.services.find((s) => s.service === 'e-forms')!;
    // 50 submissions in May 2025, within the last 12 months of 2025-06.
    expect(eForms).toMatchObject({ stage: 'production', usage: [{ metric: 'submissions', count: 50 }, { metric: 'automated_decisions', count: 0 }] });
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
    const entries = loadServiceCatalogue(path.join(repo, 'libs'), configs.map((config) => ({ file: `${config.slug}.yaml`, config })));
    const directory = new TenantDirectory(db());
    await directory.sync(configs);
    await seedDemoCatalogue(db(), directory, entries, now);
    const first = await catalogue.usageTotals(steering, '2024-07', '2025-06');
    await seedDemoCatalogue(db(), directory, entries, now);
    expect(await catalogue.usageTotals(steering, '2024-07', '2025-06')).toEqual(first);
    // The months metered before seeding kept their figures.
    expect(first.find((u) => u.slug === 'sundsvall' && u.metric === 'letters_digital' && u.month === '2025-01-01')!.count).toBe(3000);
    // Every service a municipality uses has 12 months of figures.
    expect(first.filter((u) => u.slug === 'timra' && u.metric === 'submissions')).toHaveLength(12);
    expect(first.filter((u) => u.slug === 'timra' && u.service === 'minasidor')).toHaveLength(0);
    // A planned service gets no demo figures: only what was metered.
    expect(first.filter((u) => u.slug === 'kramfors').map((u) => [u.metric, u.month, u.count])).toEqual([['letters_digital', '2025-02-01', 40]]);
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
    buildTenantConfig({ slug: 'sundsvall', population: 99800, services: { 'e-forms': { stage: 'production', settings: {} }, 'digital-mail': { stage: 'production', settings: {} } } }),
    buildTenantConfig({ slug: 'timra', population: 18100, services: { 'e-forms': { stage: 'production', settings: {} }, 'digital-mail': { stage: 'production', settings: {} } } }),
  ];

  beforeAll(async () => {
    const directory = new TenantDirectory(db());
    const [sundsvall, timra] = await directory.sync(configs);
    catalogue = new CatalogueService(db(), directory, loadServiceCatalogue(path.join(repo, 'libs'), configs.map((config) => ({ file: `${config.slug}.yaml`, config }))), () => now);
    const add = (tenant: Tenant, service: string, metric: string, month: string, count: number) =>
      requestContext.run({ tenantId: tenant.id }, () => db().transaction((em) => new UsageRepository().increment(em, tenant.id, service, metric, month, count)));
    await add(timra, 'e-forms', 'submissions', '2025-03-01', 4);
    await add(timra, 'e-forms', 'submissions', '2025-04-01', MIN_CELL_SIZE);
    await add(timra, 'e-forms', 'submissions', '2025-05-01', 1);
    await add(sundsvall, 'e-forms', 'submissions', '2025-05-01', 60);
    await add(sundsvall, 'digital-mail', 'letters_digital', '2025-02-01', 4);
    await add(timra, 'digital-mail', 'letters_digital', '2025-02-01', 100);
  });

  it('shows a count below 5 as suppressed, never its value, and 5 as it is', async () => {
    expect(MIN_CELL_SIZE).toBe(5);
    const totals = await catalogue.usageTotals(steering, '2025-01', '2025-06');
    const cell = (slug: string, metric: string, month: string) => totals.find((u) => u.slug === slug && u.metric === metric && u.month === month);
    expect(cell('timra', 'submissions', '2025-03-01')).toMatchObject({ count: null, suppressed: true });
    expect(cell('timra', 'submissions', '2025-04-01')).toMatchObject({ count: 5, suppressed: false });
    expect(cell('timra', 'submissions', '2025-05-01')).toMatchObject({ count: null, suppressed: true });
    expect(cell('sundsvall', 'letters_digital', '2025-02-01')).toMatchObject({ count: null, suppressed: true });
    // The database function itself never hands the app role a small count.
    const raw: Array<{ count: string | number | null }> = await db().dataSource.query(`SELECT count FROM catalogue_usage_between('2025-01-01', '2025-06-01')`);
    expect(raw.map((r) => (r.count === null ? null : Number(r.count))).filter((c) => c !== null && c > 0 && c < 5)).toEqual([]);
  });

  it('leaves suppressed cells out of every sum, share and benefit, so none can be backed out', async () => {
    // Timrå's 12 months: 5 published, 4 and 1 suppressed; the total is of what is shown, and says so.
    const timra = await catalogue.municipality(steering, 'timra', 2025);
    expect(timra.services.find((s) => s.service === 'e-forms')!.usage.find((u) => u.metric === 'submissions')).toEqual({ metric: 'submissions', count: 5, partial: true });
    const sundsvall = await catalogue.municipality(steering, 'sundsvall', 2025);
    expect(sundsvall.services.find((s) => s.service === 'digital-mail')!.usage.find((u) => u.metric === 'letters_digital')).toEqual({ metric: 'letters_digital', count: 0, partial: true });
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
