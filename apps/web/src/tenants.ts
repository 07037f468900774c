import * as path from 'node:path';
import { loadTenantConfigs, TenantConfig } from '@kommuna/platform-tenancy';

/** A member municipality as the web shows it: from its tenant.yaml. */
export interface WebTenant {
  slug: string;
  names: { sv: string; en: string };
  hosts: string[];
  contact?: TenantConfig['contact'];
  /** Its look from tenant.yaml `web:` (the colour's contrast was checked when it was loaded); the logo as a file path. */
  look?: { primaryColor?: string; logoFile?: string };
}

/**
 * Which municipality a request addresses, by its host name, as the api does: one of the hosts in
 * its tenant.yaml, or (outside production) `<slug>.<localDomain>`. The port is not part of it.
 */
export class TenantHosts {
  private readonly byHost = new Map<string, WebTenant>();
  private readonly bySlug = new Map<string, WebTenant>();

  constructor(
    readonly tenants: WebTenant[],
    private readonly localDomain?: string,
  ) {
    for (const tenant of tenants) {
      this.bySlug.set(tenant.slug, tenant);
      for (const host of tenant.hosts) this.byHost.set(host.toLowerCase(), tenant);
    }
  }

  static load(dir: string, localDomain?: string): TenantHosts {
    const tenants = loadTenantConfigs(dir)
      .filter(({ config }) => config.lifecycle !== 'closed')
      .map(({ file, config }) => ({
        slug: config.slug,
        names: config.names,
        hosts: config.hosts,
        contact: config.contact,
        look: config.web && {
          primaryColor: config.web.primaryColor,
          logoFile: config.web.logo && path.join(path.dirname(file), config.web.logo),
        },
      }));
    return new TenantHosts(tenants, localDomain);
  }

  /** The municipality a Host header names; undefined for any other host. */
  find(hostHeader: string | undefined): WebTenant | undefined {
    const host = (hostHeader ?? '').toLowerCase().replace(/:\d+$/, '');
    const known = this.byHost.get(host);
    if (known) return known;
    if (this.localDomain && host.endsWith(`.${this.localDomain}`)) return this.bySlug.get(host.slice(0, -this.localDomain.length - 1));
    return undefined;
  }

  get(slug: string): WebTenant | undefined {
    return this.bySlug.get(slug);
  }
}
