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
}

/** Which municipality uses which service at which stage, straight from the tenant files. */
export function adoptionMatrix(tenants: ReadonlyArray<Pick<TenantConfig, 'slug' | 'services'>>): AdoptionCell[] {
  const cells: AdoptionCell[] = [];
  for (const tenant of [...tenants].sort((a, b) => a.slug.localeCompare(b.slug))) {
    for (const service of SERVICE_IDS) {
      const entry = tenant.services[service];
      if (entry) cells.push({ slug: tenant.slug, service, stage: entry.stage });
    }
  }
  return cells;
}
