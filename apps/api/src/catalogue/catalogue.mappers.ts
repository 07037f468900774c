import type {
  BenefitHypothesis,
  FollowUpRecord,
  HypothesisBenefit,
  ServiceCosts,
  ServiceView,
  StatusDecisionRecord,
  YearClosingRecord,
} from '@kommuna/catalogue';
import {
  CatalogueDecision,
  CatalogueFollowUp,
  CatalogueHypothesis,
  CatalogueHypothesisBenefit,
  CatalogueServiceCosts,
  CatalogueServiceModel,
  CatalogueYearClosing,
} from './catalogue.models';

export const toHypothesis = (h: BenefitHypothesis): CatalogueHypothesis => ({
  id: h.id,
  metric: h.metric,
  name: h.name,
  low: h.perUnit.low,
  high: h.perUnit.high,
  unit: h.perUnit.unit,
  sekPerHour: h.sekPerHour ?? null,
  source: h.source,
  basis: h.basis,
  confidence: h.confidence,
});

export const toDecision = (d: StatusDecisionRecord): CatalogueDecision => ({ ...d });

export const toFollowUp = (f: FollowUpRecord): CatalogueFollowUp => ({ ...f });

export function toServiceModel(view: ServiceView): CatalogueServiceModel {
  const d = view.descriptor;
  return {
    id: view.id,
    name: d.name,
    shortDescription: d.shortDescription,
    longDescription: d.longDescription,
    features: d.features,
    domain: d.domain,
    ownerTeam: d.owner.team,
    ownerEmail: d.owner.email,
    url: d.url,
    license: d.license,
    status: view.status,
    declaredStatus: view.declaredStatus,
    stableMinProduction: d.promotion.stableMinProduction,
    version: view.version,
    packageName: view.packageName,
    changelog: view.changelog,
    maintenance: { type: d.maintenance.type, contractor: d.maintenance.contractor ?? null, until: d.maintenance.until ?? null },
    dependencies: d.dependencies,
    hypotheses: d.benefits.map(toHypothesis),
    cost: {
      budgets: Object.entries(d.cost.budgetsSek)
        .map(([year, budgetSek]) => ({ year: Number(year), budgetSek }))
        .sort((a, b) => a.year - b.year),
      allocationKey: d.cost.allocationKey,
      usageMetric: d.cost.usageMetric ?? null,
    },
    adoption: view.adoption,
    metrics: [...view.metrics],
    latestDecision: view.latestDecision ? toDecision(view.latestDecision) : null,
  };
}

export const toCosts = (c: ServiceCosts): CatalogueServiceCosts => ({
  service: c.service,
  year: c.year,
  budgetSek: c.sharing.budgetSek,
  allocationKey: c.sharing.allocationKey,
  appliedKey: c.sharing.appliedKey,
  shares: c.shares,
  closed: c.closed,
});

export const toYearClosing = (c: YearClosingRecord): CatalogueYearClosing => ({
  id: c.id,
  year: c.year,
  decidedOn: c.decidedOn,
  diaryNumber: c.diaryNumber,
  recordedBy: c.recordedBy,
  recordedAt: c.recordedAt,
});

export const toBenefit = (b: HypothesisBenefit): CatalogueHypothesisBenefit => ({
  hypothesis: toHypothesis(b.hypothesis),
  months: b.months.map((m) => ({
    month: m.month,
    usage: m.usage,
    estimatedLowSek: m.estimatedSek.low,
    estimatedHighSek: m.estimatedSek.high,
    estimatedLowHours: m.estimatedHours?.low ?? null,
    estimatedHighHours: m.estimatedHours?.high ?? null,
    followedUpSek: m.followedUpSek,
  })),
  totalUsage: b.total.usage,
  totalEstimatedLowSek: b.total.estimatedSek.low,
  totalEstimatedHighSek: b.total.estimatedSek.high,
  totalEstimatedLowHours: b.total.estimatedHours?.low ?? null,
  totalEstimatedHighHours: b.total.estimatedHours?.high ?? null,
  totalFollowedUpSek: b.total.followedUpSek,
});
