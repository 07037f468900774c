import { TenantConfig } from '@kommuna/platform-tenancy';
import { Database } from './database';
import { TenantEntity } from './entities/tenant.entity';
import { KommunaError } from '@kommuna/shared-service-contracts';

/** A member municipality as the running platform knows it. */
export interface Tenant {
  id: string;
  slug: string;
  kommunkod: string;
  names: { sv: string; en: string };
  enabledServices: string[];
  hosts: string[];
  lifecycle: TenantConfig['lifecycle'];
  config: TenantConfig;
}

export class UnknownTenantError extends KommunaError {
  readonly code = 'TENANT_NOT_FOUND';
  readonly status = 404;
  constructor(readonly tenant: string) {
    super(`No municipality "${tenant}" is a member of this platform`);
  }
}

/**
 * The tenants of this installation: upserted from their files at start-up in one transaction
 * (onboarding is a file plus an insert, never DDL), then looked up from memory per request.
 * The map holds one entry per configured tenant and never grows at run time.
 */
export class TenantDirectory {
  private bySlug = new Map<string, Tenant>();
  private byHost = new Map<string, Tenant>();

  constructor(private readonly database: Database) {}

  async sync(configs: TenantConfig[]): Promise<Tenant[]> {
    const rows = await this.database.platformTransaction(async (em) => {
      const saved: TenantEntity[] = [];
      for (const config of configs) {
        const [row] = await em.query(
          `INSERT INTO tenant (slug, kommunkod, organisationsnummer, name_sv, name_en, enabled_services, config, status)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (slug) DO UPDATE SET kommunkod = EXCLUDED.kommunkod,
             organisationsnummer = EXCLUDED.organisationsnummer, name_sv = EXCLUDED.name_sv,
             name_en = EXCLUDED.name_en, enabled_services = EXCLUDED.enabled_services,
             config = EXCLUDED.config, status = EXCLUDED.status, updated_at = now()
           RETURNING id, slug`,
          [
            config.slug,
            config.kommunkod,
            config.organisationsnummer,
            config.names.sv,
            config.names.en,
            Object.keys(config.services),
            JSON.stringify(config),
            config.lifecycle,
          ],
        );
        saved.push(row);
      }
      return saved;
    });
    const tenants = configs.map((config, i) => toTenant(rows[i].id, config));
    this.bySlug = new Map(tenants.map((t) => [t.slug, t]));
    this.byHost = new Map(tenants.flatMap((t) => t.hosts.map((host) => [host, t] as const)));
    return tenants;
  }

  all(): Tenant[] {
    return [...this.bySlug.values()];
  }

  findBySlug(slug: string): Tenant | undefined {
    return this.bySlug.get(slug);
  }

  findByHost(host: string): Tenant | undefined {
    return this.byHost.get(host.toLowerCase());
  }

  /** The tenant with this slug; throws UnknownTenantError (a clear client error) otherwise. */
  get(slug: string): Tenant {
    const tenant = this.bySlug.get(slug);
    if (!tenant) throw new UnknownTenantError(slug);
    return tenant;
  }
}

function toTenant(id: string, config: TenantConfig): Tenant {
  return {
    id,
    slug: config.slug,
    kommunkod: config.kommunkod,
    names: config.names,
    enabledServices: Object.keys(config.services),
    hosts: config.hosts.map((h) => h.toLowerCase()),
    lifecycle: config.lifecycle,
    config,
  };
}
