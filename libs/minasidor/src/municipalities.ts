import { Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import type { LocalizedText } from '@kommuna/shared-service-contracts';
import type { CaseMunicipality, CaseRowContext } from './case-views';
import { CITIZEN_STATUS_KEYS, CitizenStatus, StatusLabels } from './status-labels';

const UNKNOWN: CaseMunicipality = { slug: 'unknown', names: { sv: 'Okänd kommun', en: 'Unknown municipality' } };

/** What is derived from one list of tenants; dropped as a whole when the directory's list changes. */
interface Derived {
  /** The directory's tenants when this was built (compared by identity: a sync builds new objects). */
  tenants: Tenant[];
  byId: Map<string, Tenant>;
  labels: Map<string, StatusLabels>;
  /** statusFilter's answer per set of wanted statuses (a key such as "closed,in_progress"). */
  filters: Map<string, string>;
}

/**
 * What Mina sidor knows of each member municipality: its names (every case is labelled with its
 * municipality) and its status labels, read from tenant.yaml once per tenant. Everything derived
 * is kept for the directory's current list of tenants and rebuilt when a sync replaces it.
 */
export class Municipalities implements CaseRowContext {
  private derived: Derived = { tenants: [], byId: new Map(), labels: new Map(), filters: new Map() };

  constructor(private readonly tenants: TenantDirectory) {}

  /** Parses every municipality's settings, so a bad tenant.yaml stops start-up, not a request. */
  validateAll(): void {
    for (const tenant of this.tenants.all()) this.labelsOf(tenant.id);
  }

  bySlug(slug: string): Tenant {
    return this.tenants.get(slug);
  }

  municipalityOf(tenantId: string): CaseMunicipality {
    const tenant = this.current().byId.get(tenantId);
    return tenant ? { slug: tenant.slug, names: tenant.names } : UNKNOWN;
  }

  labelsOf(tenantId: string): StatusLabels {
    const derived = this.current();
    let labels = derived.labels.get(tenantId);
    if (!labels) {
      const tenant = derived.byId.get(tenantId);
      labels = tenant ? StatusLabels.fromSettings(tenant.slug, tenant.config.services.minasidor?.settings) : new StatusLabels();
      derived.labels.set(tenantId, labels);
    }
    return labels;
  }

  labelOf(tenantId: string, internalStatus: string): { status: CitizenStatus; label: LocalizedText } {
    const labels = this.labelsOf(tenantId);
    return { status: labels.statusOf(internalStatus), label: labels.labelOf(internalStatus) };
  }

  /**
   * Per municipality, which internal statuses show as one of `wanted` (a JSON parameter for SQL).
   * With 290 members it is some 70 KB, built once per set of statuses and list of tenants: the
   * overview asks for it on every request.
   */
  statusFilter(wanted: ReadonlySet<CitizenStatus>): string {
    const derived = this.current();
    const key = CITIZEN_STATUS_KEYS.filter((status) => wanted.has(status)).join(',');
    let filter = derived.filters.get(key);
    if (filter === undefined) {
      filter = JSON.stringify(
        derived.tenants.map((tenant) => ({ tenantId: tenant.id, ...this.labelsOf(tenant.id).internalStatusesFor(wanted) })),
      );
      derived.filters.set(key, filter);
    }
    return filter;
  }

  /** The derived state for the directory's tenants now: kept while its list is the same objects. */
  private current(): Derived {
    const tenants = this.tenants.all();
    const kept = this.derived.tenants;
    if (tenants.length !== kept.length || tenants.some((tenant, i) => tenant !== kept[i])) {
      this.derived = { tenants, byId: new Map(tenants.map((t) => [t.id, t])), labels: new Map(), filters: new Map() };
    }
    return this.derived;
  }
}
