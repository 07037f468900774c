import { ADOPTION_STAGES, SERVICE_IDS, ServiceId, TenantConfig } from '@kommuna/platform-tenancy';

export type AdoptionStage = (typeof ADOPTION_STAGES)[number];

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
