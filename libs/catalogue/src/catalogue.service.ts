import { z } from 'zod';
import { Database, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { SERVICE_IDS, ServiceId } from '@kommuna/platform-tenancy';
import { stockholmDay } from '@kommuna/shared-identifiers';
import { AdoptionStage, adoptionMatrix, adoptionPeriod } from './adoption';
import { BenefitMonth, estimateBenefit, Range, totalBenefit } from './benefit';
import { CostSharing, shareYear } from './cost-sharing';
import type { ChangelogRelease } from './descriptor/changelog';
import type { CatalogueEntry } from './descriptor/service-descriptor.loader';
import {
  BenefitHypothesis,
  budgetFor,
  DEVELOPMENT_STATUSES,
  DevelopmentStatus,
  ServiceDescriptor,
} from './descriptor/service-descriptor.schema';
import {
  CatalogueForbiddenError,
  CatalogueNotFoundError,
  CatalogueValidationError,
  PromotionRefusedError,
  YearClosedError,
} from './errors';
import { MeteredMetric, meteredMetricsOf } from './metering/metrics';
import { UsageFigure, UsageRepository } from './metering/usage.repository';
import { addMonths, lastMonths, monthsBetween, parseMonth, stockholmMonth } from './months';
import { checkPromotion } from './promotion';
import { publiccodeYaml } from './publiccode';
import { FollowUpRecord, RecordsRepository, StatusDecisionRecord, YearClosingRecord } from './records.repository';

/** Who is asking: the verified caller's subject and roles (the api passes its Principal). */
export interface CatalogueActor {
  subject: string;
  roles: readonly string[];
}

/** Who may read the catalogue's figures, and who may record follow-ups and decisions. */
export const CATALOGUE_READER_ROLES = ['steering_group', 'platform_admin'] as const;
export const CATALOGUE_WRITER_ROLES = ['steering_group'] as const;

export interface TenantRef {
  slug: string;
  names: { sv: string; en: string };
}

export interface ServiceAdoption extends TenantRef {
  stage: AdoptionStage;
  pilotingFrom: string | null;
  productionFrom: string | null;
  leftOn: string | null;
}

export interface ServiceView {
  id: ServiceId;
  descriptor: ServiceDescriptor;
  packageName: string;
  version: string;
  changelog: ChangelogRelease[];
  /** As service.yaml states it. */
  declaredStatus: DevelopmentStatus;
  /** The status in force: the latest recorded decision's, else service.yaml's. */
  status: DevelopmentStatus;
  latestDecision: StatusDecisionRecord | null;
  adoption: ServiceAdoption[];
  metrics: readonly MeteredMetric[];
}

export interface ServiceCosts {
  service: ServiceId;
  year: number;
  sharing: CostSharing;
  shares: Array<TenantRef & { months: number; basis: number; amountSek: number }>;
  /** Set when a steering-group decision closed the year: the figures are those decided then. */
  closed: { decidedOn: string; diaryNumber: string } | null;
}

export interface HypothesisBenefit {
  service: ServiceId;
  hypothesis: BenefitHypothesis;
  months: BenefitMonth[];
  total: { usage: number; estimatedSek: Range; estimatedHours: Range | null; followedUpSek: number | null };
}

export interface UsageTotal extends TenantRef {
  service: string;
  metric: string;
  month: string;
  /** null when fewer than MIN_CELL_SIZE (suppressed, see disclosure.ts). */
  count: number | null;
  suppressed: boolean;
}

export interface MunicipalityView extends TenantRef {
  kommunkod: string;
  population: number | null;
  year: number;
  services: Array<{
    service: ServiceId;
    name: { sv: string; en: string };
    stage: AdoptionStage | null;
    costSek: number | null;
    /**
     * Last 12 months: metered use per metric (months with fewer than MIN_CELL_SIZE left out:
     * `partial` says some were), and the estimated benefit range in SEK from the same counts.
     */
    usage: Array<{ metric: string; count: number; partial: boolean }>;
    estimatedSek: Range;
  }>;
  totalCostSek: number;
  months: string[];
}

const FollowUpInput = z
  .object({
    service: z.string().min(1),
    hypothesisId: z.string().min(1),
    periodStart: z.iso.date('must be a date YYYY-MM-DD'),
    periodEnd: z.iso.date('must be a date YYYY-MM-DD'),
    measuredValue: z.number().finite().nonnegative().max(1e9),
    measuredOn: z.iso.date('must be a date YYYY-MM-DD'),
    source: z.string().trim().min(3, 'name the source (at least 3 characters)').max(500),
    note: z.string().trim().max(2000).optional().nullable(),
  })
  .strict();
export type FollowUpInput = z.input<typeof FollowUpInput>;

const YearClosingInput = z
  .object({
    year: z.number().int().min(2000).max(2100),
    decidedOn: z.iso.date('must be a date YYYY-MM-DD'),
    diaryNumber: z
      .string()
      .trim()
      .regex(/^[\p{L}\p{N}][\p{L}\p{N} .:/-]{2,59}$/u, 'must be a diary number (diarienummer), e.g. "KS 2027/12"'),
  })
  .strict();
export type YearClosingInput = z.input<typeof YearClosingInput>;

const DecisionInput = z
  .object({
    service: z.string().min(1),
    toStatus: z.enum(DEVELOPMENT_STATUSES),
    decidedOn: z.iso.date('must be a date YYYY-MM-DD'),
    diaryNumber: z
      .string()
      .trim()
      .regex(/^[\p{L}\p{N}][\p{L}\p{N} .:/-]{2,59}$/u, 'must be a diary number (diarienummer), e.g. "KS 2025/123"'),
  })
  .strict();
export type DecisionInput = z.input<typeof DecisionInput>;

/** Input checked against its schema; every problem named by field in one CatalogueValidationError. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({ field: issue.path.join('.') || '(input)', message: issue.message }));
  throw new CatalogueValidationError(`The ${what} is invalid: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`, details);
}

/**
 * The steering group's catalogue: services with their descriptors, adoption, costs, metered
 * use, estimated and followed-up benefit, and status decisions. Reads across municipalities
 * only aggregates (catalogue_usage_between), with small cells already suppressed there, so every
 * figure here is built from published counts only; owns the access rules and the promotion gate.
 */
export class CatalogueService {
  private readonly usage = new UsageRepository();
  private readonly records = new RecordsRepository();
  private readonly entries: Map<string, CatalogueEntry>;

  constructor(
    private readonly database: Database,
    private readonly tenants: TenantDirectory,
    entries: CatalogueEntry[],
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.entries = new Map(entries.map((e) => [e.id, e]));
  }

  async services(actor: CatalogueActor): Promise<ServiceView[]> {
    this.assertReader(actor);
    const decisions = await this.platform((em) => this.records.decisions(em));
    return [...this.entries.values()].map((entry) =>
      this.view(
        entry,
        decisions.filter((d) => d.service === entry.id),
      ),
    );
  }

  async service(actor: CatalogueActor, id: string): Promise<ServiceView> {
    this.assertReader(actor);
    const entry = this.entry(id);
    return this.view(entry, await this.platform((em) => this.records.decisions(em, entry.id)));
  }

  adoption(actor: CatalogueActor): Array<ServiceAdoption & { service: ServiceId }> {
    this.assertReader(actor);
    const bySlug = new Map(this.tenants.all().map((t) => [t.slug, t]));
    return adoptionMatrix(this.tenants.all().map((t) => t.config)).map((cell) => ({ ...cell, names: bySlug.get(cell.slug)!.names }));
  }

  /**
   * Each member's share of every service's budget (or one service's) for a year, pro-rata by its
   * months of use; for a closed year, the shares as the steering group decided them.
   */
  async costs(actor: CatalogueActor, year: number, serviceId?: string): Promise<ServiceCosts[]> {
    this.assertReader(actor);
    this.assertYear(year);
    const entries = serviceId ? [this.entry(serviceId)] : [...this.entries.values()];
    return this.costsFor(entries, year);
  }

  /** The closed years, oldest first: each with its decision and the figures kept. */
  async closedYears(actor: CatalogueActor): Promise<YearClosingRecord[]> {
    this.assertReader(actor);
    return this.platform((em) => this.records.closings(em));
  }

  /**
   * Closes a year by a steering-group decision: its cost shares as they stand now are kept as
   * decided, and from then on answered as they were. Only a year that has ended, decided after it
   * ended; a year is closed once (YEAR_CLOSED otherwise).
   */
  async closeYear(actor: CatalogueActor, input: YearClosingInput): Promise<YearClosingRecord> {
    this.assertWriter(actor);
    const c = parseInput(YearClosingInput, input, 'year closing');
    const today = this.today();
    const problems: Array<{ field: string; message: string }> = [];
    if (`${c.year}-12-31` >= today) problems.push({ field: 'year', message: `${c.year} has not ended yet (today is ${today})` });
    if (c.decidedOn > today) problems.push({ field: 'decidedOn', message: `is in the future (today is ${today})` });
    if (c.decidedOn <= `${c.year}-12-31`)
      problems.push({ field: 'decidedOn', message: `a year is closed after it has ended (after ${c.year}-12-31)` });
    if (problems.length > 0)
      throw new CatalogueValidationError(
        `The year closing is invalid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
        problems,
      );
    if ((await this.platform((em) => this.records.closings(em, c.year))).length > 0) throw new YearClosedError(c.year);
    const costs = await this.computeCosts([...this.entries.values()], c.year);
    const saved = await this.platform((em) =>
      this.records.insertClosing(em, {
        year: c.year,
        decidedOn: c.decidedOn,
        diaryNumber: c.diaryNumber,
        figures: { costs: costs.map(({ closed: _, ...rest }) => rest) },
        recordedBy: actor.subject,
      }),
    );
    // Two closings at once: the unique year lets one in; the other is told the year is closed.
    if (!saved) throw new YearClosedError(c.year);
    return saved;
  }

  /** Whether the figures are demo figures (seeded for npm start): every page and export says so. */
  async isDemo(actor: CatalogueActor): Promise<boolean> {
    this.assertReader(actor);
    return this.platform((em) => this.records.isDemo(em));
  }

  /** Every municipality's metered use between two months (YYYY-MM), per month: aggregates only. */
  async usageTotals(actor: CatalogueActor, from?: string, to?: string): Promise<UsageTotal[]> {
    this.assertReader(actor);
    const [first, last] = this.period(from, to);
    const byId = this.tenantsById();
    return (await this.usageRows(first, last)).map((row) => {
      const tenant = byId.get(row.tenantId);
      const suppressed = row.suppressed === true;
      return {
        slug: tenant?.slug ?? 'unknown',
        names: tenant?.names ?? { sv: '?', en: '?' },
        service: row.service,
        metric: row.metric,
        month: row.month,
        count: suppressed ? null : row.count,
        suppressed,
      };
    });
  }

  /** Estimated benefit per hypothesis and month (all municipalities), beside the followed-up benefit. */
  async benefits(actor: CatalogueActor, id: string, from?: string, to?: string): Promise<HypothesisBenefit[]> {
    this.assertReader(actor);
    const entry = this.entry(id);
    const [first, last] = this.period(from, to);
    const months = monthsBetween(first, last);
    const usage = (await this.usageRows(first, last)).filter((row) => row.service === entry.id);
    const followUps = await this.platform((em) => this.records.followUps(em, entry.id));
    return entry.descriptor.benefits.map((hypothesis) => {
      const series = estimateBenefit(hypothesis, months, usage, followUps);
      return { service: entry.id, hypothesis, months: series, total: totalBenefit(series) };
    });
  }

  async followUps(actor: CatalogueActor, id?: string): Promise<FollowUpRecord[]> {
    this.assertReader(actor);
    const service = id === undefined ? undefined : this.entry(id).id;
    return this.platform((em) => this.records.followUps(em, service));
  }

  async recordFollowUp(actor: CatalogueActor, input: FollowUpInput): Promise<FollowUpRecord> {
    this.assertWriter(actor);
    const f = parseInput(FollowUpInput, input, 'follow-up');
    const entry = this.entry(f.service);
    const hypothesis = entry.descriptor.benefits.find((b) => b.id === f.hypothesisId);
    const problems: Array<{ field: string; message: string }> = [];
    if (!hypothesis) {
      problems.push({
        field: 'hypothesisId',
        message: `${entry.id} has no benefit hypothesis "${f.hypothesisId}" (it has: ${entry.descriptor.benefits.map((b) => b.id).join(', ') || 'none'})`,
      });
    }
    if (f.periodEnd < f.periodStart) problems.push({ field: 'periodEnd', message: 'the period ends before it starts' });
    const today = this.today();
    if (f.measuredOn > today) problems.push({ field: 'measuredOn', message: `is in the future (today is ${today})` });
    if (f.periodEnd > f.measuredOn)
      problems.push({ field: 'periodEnd', message: 'a period cannot be measured before it has ended (measuredOn)' });
    if (problems.length > 0)
      throw new CatalogueValidationError(
        `The follow-up is invalid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
        problems,
      );
    const saved = await this.platform((em) =>
      this.records.insertFollowUp(em, {
        service: entry.id,
        hypothesisId: hypothesis!.id,
        periodStart: f.periodStart,
        periodEnd: f.periodEnd,
        measuredValue: f.measuredValue,
        unit: hypothesis!.perUnit.unit,
        measuredOn: f.measuredOn,
        source: f.source,
        note: f.note ?? null,
        recordedBy: actor.subject,
      }),
    );
    return saved!;
  }

  async decisions(actor: CatalogueActor, id?: string): Promise<StatusDecisionRecord[]> {
    this.assertReader(actor);
    const service = id === undefined ? undefined : this.entry(id).id;
    return this.platform((em) => this.records.decisions(em, service));
  }

  /**
   * Records a status decision if the evidence carries it (the promotion gate), with the evidence
   * as it stands now; refuses with what is missing otherwise, and records nothing.
   */
  async decide(actor: CatalogueActor, input: DecisionInput): Promise<StatusDecisionRecord> {
    this.assertWriter(actor);
    const d = parseInput(DecisionInput, input, 'decision');
    const entry = this.entry(d.service);
    const today = this.today();
    if (d.decidedOn > today) {
      throw new CatalogueValidationError(`The decision is invalid: decidedOn: is in the future (today is ${today})`, [
        { field: 'decidedOn', message: `is in the future (today is ${today})` },
      ]);
    }
    const adoption = this.adoptionOf(entry.id);
    return this.platform(async (em) => {
      // One decision at a time per service: the gate sees the status the previous one left.
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('catalogue_status_decision'), hashtext($1))`, [entry.id]);
      const history = await this.records.decisions(em, entry.id);
      const current = (history.at(-1)?.toStatus as DevelopmentStatus | undefined) ?? entry.descriptor.developmentStatus;
      const check = checkPromotion({
        current,
        target: d.toStatus,
        adoption,
        stableMinProduction: entry.descriptor.promotion.stableMinProduction,
      });
      if (!check.allowed) throw new PromotionRefusedError({ missing: check.missing });
      const months = lastMonths(12, this.clock());
      const usage = (await this.usage.acrossTenants(em, months[0], months[months.length - 1])).filter((u) => u.service === entry.id);
      const usageLast12Months = Object.fromEntries(
        meteredMetricsOf(entry.id).map((m) => [m.id, usage.filter((u) => u.metric === m.id).reduce((s, u) => s + u.count, 0)]),
      );
      const evidence = {
        checkedAt: this.clock().toISOString(),
        adoption: adoption.map((a) => ({ slug: a.slug, stage: a.stage })),
        production: check.production.length,
        piloting: check.piloting.length,
        requiredProduction: check.requiredProduction,
        usageLast12Months,
        period: { from: months[0].slice(0, 7), to: months[months.length - 1].slice(0, 7) },
      };
      const saved = await this.records.insertDecision(em, {
        service: entry.id,
        fromStatus: current,
        toStatus: d.toStatus,
        decidedOn: d.decidedOn,
        diaryNumber: d.diaryNumber,
        evidence,
        recordedBy: actor.subject,
      });
      return saved!;
    });
  }

  /** One municipality: its services and stages, its share of each budget, its use and benefit. */
  async municipality(actor: CatalogueActor, slug: string, year: number): Promise<MunicipalityView> {
    this.assertReader(actor);
    this.assertYear(year);
    const tenant = this.tenants.findBySlug(slug);
    if (!tenant) throw new CatalogueNotFoundError(`No member municipality "${slug.slice(0, 60)}"`);
    const months = this.monthsOfYear(year);
    const entries = [...this.entries.values()];
    const costs = await this.costsFor(entries, year);
    const recent =
      months.length === 0 ? [] : (await this.usageRows(months[0], months[months.length - 1])).filter((u) => u.tenantId === tenant.id);
    const services = entries.map((entry) => {
      const stage = tenant.config.services[entry.id]?.stage ?? null;
      const share = costs.find((c) => c.service === entry.id)?.shares.find((s) => s.slug === slug);
      const own = recent.filter((u) => u.service === entry.id);
      const estimated = entry.descriptor.benefits
        .map((h) => totalBenefit(estimateBenefit(h, months, own)).estimatedSek)
        .reduce((sum, r) => ({ low: sum.low + r.low, high: sum.high + r.high }), { low: 0, high: 0 });
      return {
        service: entry.id,
        name: entry.descriptor.name,
        stage,
        costSek: share?.amountSek ?? null,
        usage: meteredMetricsOf(entry.id).map((m) => {
          const cells = own.filter((u) => u.metric === m.id);
          return { metric: m.id, count: cells.reduce((s, u) => s + u.count, 0), partial: cells.some((u) => u.suppressed === true) };
        }),
        estimatedSek: { low: Math.round(estimated.low), high: Math.round(estimated.high) },
      };
    });
    return {
      slug: tenant.slug,
      names: tenant.names,
      kommunkod: tenant.kommunkod,
      population: tenant.config.population ?? null,
      year,
      services,
      totalCostSek: services.reduce((sum, s) => sum + (s.costSek ?? 0), 0),
      months,
    };
  }

  /**
   * publiccode.yml for a service, with the status in force. Public information only. A running
   * api has no release date (no git history), so softwareVersion is left to the file in the
   * repository, docs/publiccode/, which npm run catalogue:publiccode writes with both.
   */
  async publiccode(id: string): Promise<string> {
    const entry = this.entry(id);
    const history = await this.platform((em) => this.records.decisions(em, entry.id));
    return publiccodeYaml(entry, {
      developmentStatus: (history.at(-1)?.toStatus as DevelopmentStatus | undefined) ?? entry.descriptor.developmentStatus,
    });
  }

  /** The loaded descriptors (for start-up seeding and exports). */
  catalogueEntries(): CatalogueEntry[] {
    return SERVICE_IDS.flatMap((id) => this.entries.get(id) ?? []);
  }

  private view(entry: CatalogueEntry, decisions: StatusDecisionRecord[]): ServiceView {
    const latest = decisions.at(-1) ?? null;
    const bySlug = new Map(this.tenants.all().map((t) => [t.slug, t]));
    return {
      id: entry.id,
      descriptor: entry.descriptor,
      packageName: entry.packageName,
      version: entry.version,
      changelog: entry.changelog,
      declaredStatus: entry.descriptor.developmentStatus,
      status: (latest?.toStatus as DevelopmentStatus | undefined) ?? entry.descriptor.developmentStatus,
      latestDecision: latest,
      adoption: this.adoptionOf(entry.id).map((a) => ({ ...a, names: bySlug.get(a.slug)!.names })),
      metrics: meteredMetricsOf(entry.id),
    };
  }

  private adoptionOf(id: ServiceId): Array<Omit<ServiceAdoption, 'names'>> {
    return adoptionMatrix(this.tenants.all().map((t) => t.config))
      .filter((cell) => cell.service === id)
      .map(({ service: _, ...cell }) => cell);
  }

  /** A closed year's figures as decided; any other year's computed now. */
  private async costsFor(entries: CatalogueEntry[], year: number): Promise<ServiceCosts[]> {
    const [closing] = await this.platform((em) => this.records.closings(em, year));
    if (!closing) return this.computeCosts(entries, year);
    const decided = (closing.figures.costs ?? []) as Array<Omit<ServiceCosts, 'closed'>>;
    const closed = { decidedOn: closing.decidedOn, diaryNumber: closing.diaryNumber };
    return entries.map((entry) => {
      const kept = decided.find((c) => c.service === entry.id);
      // A service the decision did not cover had no budget in that year as decided.
      return kept
        ? { ...kept, closed }
        : {
            service: entry.id,
            year,
            sharing: {
              budgetSek: null,
              allocationKey: entry.descriptor.cost.allocationKey,
              appliedKey: entry.descriptor.cost.allocationKey,
              shares: [],
            },
            shares: [],
            closed,
          };
    });
  }

  private async computeCosts(entries: CatalogueEntry[], year: number): Promise<ServiceCosts[]> {
    const usage = await this.usageRows(`${year}-01-01`, `${year}-12-01`);
    return entries.map((entry) => this.costsOf(entry, year, usage));
  }

  private costsOf(entry: CatalogueEntry, year: number, usage: UsageFigure[]): ServiceCosts {
    const metric = entry.descriptor.cost.usageMetric;
    const tenants = this.tenants.all();
    const sharing = shareYear(
      { budgetSek: budgetFor(entry.descriptor.cost, year), allocationKey: entry.descriptor.cost.allocationKey },
      year,
      tenants.map((t) => ({
        slug: t.slug,
        period: adoptionPeriod(t.config, entry.id),
        population: t.config.population,
        usageByMonth: metric
          ? new Map(
              usage.filter((u) => u.tenantId === t.id && u.service === entry.id && u.metric === metric).map((u) => [u.month, u.count]),
            )
          : undefined,
      })),
    );
    const bySlug = new Map(tenants.map((t) => [t.slug, t]));
    return {
      service: entry.id,
      year,
      sharing,
      shares: sharing.shares.map((s) => ({
        slug: s.slug,
        names: bySlug.get(s.slug)!.names,
        months: s.months,
        basis: s.basis,
        amountSek: s.amountSek,
      })),
      closed: null,
    };
  }

  /** The months of a year up to the current one (none for a year still to come). */
  private monthsOfYear(year: number): string[] {
    const current = stockholmMonth(this.clock());
    const first = `${year}-01-01`;
    if (first > current) return [];
    const last = `${year}-12-01` < current ? `${year}-12-01` : current;
    return monthsBetween(first, last);
  }

  private async usageRows(from: string, to: string): Promise<UsageFigure[]> {
    return this.usage.acrossTenants(this.database.dataSource.manager, from, to);
  }

  private period(from?: string, to?: string): [string, string] {
    const last = to ? parseMonth(to, 'to') : stockholmMonth(this.clock());
    const first = from ? parseMonth(from, 'from') : addMonths(last, -11);
    monthsBetween(first, last);
    return [first, last];
  }

  private entry(id: string): CatalogueEntry {
    const entry = this.entries.get(id);
    if (!entry) throw new CatalogueNotFoundError(`No service "${id.slice(0, 60)}" in the catalogue`);
    return entry;
  }

  private tenantsById(): Map<string, Tenant> {
    return new Map(this.tenants.all().map((t) => [t.id, t]));
  }

  private today(): string {
    return stockholmDay(this.clock());
  }

  private assertYear(year: number): void {
    if (!Number.isInteger(year) || year < 2000 || year > 2100) {
      throw new CatalogueValidationError(`year must be a year between 2000 and 2100 (was ${year})`, [
        { field: 'year', message: 'must be between 2000 and 2100' },
      ]);
    }
  }

  private assertReader(actor: CatalogueActor): void {
    if (!actor.roles.some((r) => (CATALOGUE_READER_ROLES as readonly string[]).includes(r))) {
      throw new CatalogueForbiddenError('The catalogue is for the steering group and platform administrators');
    }
  }

  private assertWriter(actor: CatalogueActor): void {
    if (!actor.roles.some((r) => (CATALOGUE_WRITER_ROLES as readonly string[]).includes(r))) {
      throw new CatalogueForbiddenError('Only the steering group records follow-ups and decisions');
    }
  }

  private platform<T>(work: (em: Parameters<Parameters<Database['platformTransaction']>[0]>[0]) => Promise<T>): Promise<T> {
    return this.database.platformTransaction(work);
  }
}
