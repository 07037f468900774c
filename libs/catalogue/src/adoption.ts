import { ADOPTION_STAGES, SERVICE_IDS, ServiceId, TenantConfig } from '@kommuna/platform-tenancy';

export type AdoptionStage = (typeof ADOPTION_STAGES)[number];

/**
 * Whether a municipality at this stage pays its share of a service's costs: every stage but
 * `planned`, which means not yet in use until the steering group decides (a new member starts
 * there). Leaving members pay until they have left.
 */
export function sharesCosts(stage: AdoptionStage): boolean {
  return stage !== 'planned';
}

export interface AdoptionCell {
  slug: string;
  service: ServiceId;
  stage: AdoptionStage;
  /** The adoption's history from tenant.yaml (YYYY-MM-DD), null where not given. */
  pilotingFrom: string | null;
  productionFrom: string | null;
  leftOn: string | null;
}

/** Which municipality uses which service at which stage, straight from the tenant files. */
export function adoptionMatrix(tenants: ReadonlyArray<Pick<TenantConfig, 'slug' | 'services'>>): AdoptionCell[] {
  const cells: AdoptionCell[] = [];
  for (const tenant of [...tenants].sort((a, b) => a.slug.localeCompare(b.slug))) {
    for (const service of SERVICE_IDS) {
      const entry = tenant.services[service];
      if (entry) {
        cells.push({
          slug: tenant.slug,
          service,
          stage: entry.stage,
          pilotingFrom: entry.pilotingFrom ?? null,
          productionFrom: entry.productionFrom ?? null,
          leftOn: entry.leftOn ?? null,
        });
      }
    }
  }
  return cells;
}

/** When a municipality used a service: from `start` (inclusive) until `end` (exclusive), as YYYY-MM-DD. */
export interface AdoptionPeriod {
  /** null: no date is known (no pilotingFrom, productionFrom or memberSince): taken as before any year. */
  start: string | null;
  /** null: still in use. */
  end: string | null;
}

/**
 * A municipality's period of use of a service from its tenant.yaml: from pilotingFrom, else
 * productionFrom, else the day it joined (memberSince), until leftOn. Null when it does not use
 * the service or has only planned it (a planned service is not in use and pays nothing).
 */
export function adoptionPeriod(config: Pick<TenantConfig, 'services' | 'memberSince'>, service: ServiceId): AdoptionPeriod | null {
  const entry = config.services[service];
  if (!entry || !sharesCosts(entry.stage)) return null;
  return { start: entry.pilotingFrom ?? entry.productionFrom ?? config.memberSince ?? null, end: entry.leftOn ?? null };
}

/**
 * How many months of `year` the period touches (0-12): a month counts when the service was in use
 * on any day of it, so joining on 1 December is one month, leaving on 1 March two.
 */
export function monthsOfUse(period: AdoptionPeriod | null, year: number): number {
  return inUseMonths(period, year).length;
}

/** The months of `year` (1-12) in which the period has at least one day. */
export function inUseMonths(period: AdoptionPeriod | null, year: number): number[] {
  if (!period) return [];
  const months: number[] = [];
  for (let m = 1; m <= 12; m += 1) {
    const first = `${year}-${String(m).padStart(2, '0')}-01`;
    const next = m === 12 ? `${year + 1}-01-01` : `${year}-${String(m + 1).padStart(2, '0')}-01`;
    const startsBeforeMonthEnds = period.start === null || period.start < next;
    const endsAfterMonthStarts = period.end === null || period.end > first;
    if (startsBeforeMonthEnds && endsAfterMonthStarts) months.push(m);
  }
  return months;
}
