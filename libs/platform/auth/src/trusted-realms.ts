import type { TenantConfig } from '@kommuna/platform-tenancy';
import type { TrustedRealm } from './token-verifier';

/**
 * The realms Kommuna trusts, from its own configuration only: the platform's Keycloak URL plus each
 * tenant's realm, or the tenant's own issuer when it runs its own Keycloak (tenant.yaml `auth`).
 */
export class TrustedRealms {
  private readonly bySlug = new Map<string, string>();

  constructor(
    keycloakUrl: string,
    private readonly audience: string,
    tenants: Array<Pick<TenantConfig, 'slug' | 'auth'>>,
  ) {
    const base = keycloakUrl.replace(/\/+$/, '');
    for (const tenant of tenants) {
      this.bySlug.set(tenant.slug, tenant.auth.issuer ?? `${base}/realms/${tenant.auth.realm}`);
    }
  }

  /** The issuer whose tokens count for this tenant's staff. */
  realmUrlOf(tenantSlug: string): string | undefined {
    return this.bySlug.get(tenantSlug);
  }

  all(): TrustedRealm[] {
    return [...new Set(this.bySlug.values())].map((realmUrl) => ({ realmUrl, audience: this.audience }));
  }
}
