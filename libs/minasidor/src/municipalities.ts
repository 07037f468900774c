import { Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import type { LocalizedText } from '@kommuna/shared-service-contracts';
import type { CaseMunicipality, CaseRowContext } from './case-views';
import { CitizenStatus, StatusLabels } from './status-labels';

const UNKNOWN: CaseMunicipality = { slug: 'unknown', names: { sv: 'Okänd kommun', en: 'Unknown municipality' } };

/**
 * What Mina sidor knows of each member municipality: its names (every case is labelled with its
 * municipality) and its status labels, read from tenant.yaml once per tenant.
 */
export class Municipalities implements CaseRowContext {
  private readonly labels = new Map<string, StatusLabels>();

  constructor(private readonly tenants: TenantDirectory) {}

  /** Parses every municipality's settings, so a bad tenant.yaml stops start-up, not a request. */
  validateAll(): void {
    for (const tenant of this.tenants.all()) this.labelsOf(tenant.id);
  }

  bySlug(slug: string): Tenant {
    return this.tenants.get(slug);
  }

  municipalityOf(tenantId: string): CaseMunicipality {
    const tenant = this.tenant(tenantId);
    return tenant ? { slug: tenant.slug, names: tenant.names } : UNKNOWN;
  }

  labelsOf(tenantId: string): StatusLabels {
    let labels = this.labels.get(tenantId);
    if (!labels) {
      const tenant = this.tenant(tenantId);
      labels = tenant ? StatusLabels.fromSettings(tenant.slug, tenant.config.services.minasidor?.settings) : new StatusLabels();
      this.labels.set(tenantId, labels);
    }
    return labels;
  }

  labelOf(tenantId: string, internalStatus: string): { status: CitizenStatus; label: LocalizedText } {
    const labels = this.labelsOf(tenantId);
    return { status: labels.statusOf(internalStatus), label: labels.labelOf(internalStatus) };
  }

  /** Per municipality, which internal statuses show as one of `wanted` (a JSON parameter for SQL). */
  statusFilter(wanted: ReadonlySet<CitizenStatus>): string {
    return JSON.stringify(
      this.tenants.all().map((tenant) => ({ tenantId: tenant.id, ...this.labelsOf(tenant.id).internalStatusesFor(wanted) })),
    );
  }

  private tenant(tenantId: string): Tenant | undefined {
    return this.tenants.all().find((tenant) => tenant.id === tenantId);
  }
}
