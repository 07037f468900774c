// Builds the Keycloak realm export for a real Keycloak (26+) from the tenant files: realm roles,
// the web and api clients, one service-account client and one Organization per municipality, and the
// protocol mappers that put personnummer, unit, organization and the api audience into tokens.
import type { TenantConfig } from '@kommuna/platform-tenancy';

const ROLES = ['citizen', 'company_representative', 'case_worker', 'tenant_admin', 'steering_group', 'platform_admin', 'service_account'];

const userAttributeMapper = (name: string) => ({
  name,
  protocol: 'openid-connect',
  protocolMapper: 'oidc-usermodel-attribute-mapper',
  config: { 'user.attribute': name, 'claim.name': name, 'jsonType.label': 'String', 'access.token.claim': 'true', 'id.token.claim': 'false', 'userinfo.token.claim': 'true' },
});

export function keycloakRealmExport(tenants: TenantConfig[], realm = 'kommuna', audience = 'kommuna-api'): Record<string, unknown> {
  // A municipality with its own Keycloak (auth.issuer) keeps its staff, Organization and service
  // account there; the shared realm holds only the members that log in through it.
  const members = tenants.filter((t) => t.auth.realm === realm && !t.auth.issuer);
  return {
    realm,
    enabled: true,
    displayName: 'Kommuna',
    organizationsEnabled: true,
    accessTokenLifespan: 300,
    roles: { realm: ROLES.map((name) => ({ name, description: `Kommuna role: ${name.replace(/_/g, ' ')}` })) },
    clientScopes: [
      {
        name: 'kommuna',
        description: 'Claims the Kommuna api reads',
        protocol: 'openid-connect',
        attributes: { 'include.in.token.scope': 'false' },
        protocolMappers: [
          userAttributeMapper('personnummer'),
          userAttributeMapper('unit'),
          {
            name: 'organization',
            protocol: 'openid-connect',
            protocolMapper: 'oidc-organization-membership-mapper',
            config: { 'claim.name': 'organization', 'access.token.claim': 'true', 'id.token.claim': 'false', multivalued: 'true' },
          },
          {
            name: `audience ${audience}`,
            protocol: 'openid-connect',
            protocolMapper: 'oidc-audience-mapper',
            config: { 'included.client.audience': audience, 'access.token.claim': 'true', 'id.token.claim': 'false' },
          },
        ],
      },
    ],
    clients: [
      { clientId: audience, name: 'Kommuna api (audience only)', enabled: true, publicClient: false, standardFlowEnabled: false, directAccessGrantsEnabled: false, serviceAccountsEnabled: false },
      {
        clientId: 'kommuna-web',
        name: 'Kommuna web',
        enabled: true,
        publicClient: true,
        standardFlowEnabled: true,
        directAccessGrantsEnabled: false,
        redirectUris: ['https://*.kommuna.se/*'],
        webOrigins: ['+'],
        attributes: { 'pkce.code.challenge.method': 'S256' },
        defaultClientScopes: ['kommuna', 'roles', 'basic'],
      },
      ...members.map((t) => ({
        clientId: `${t.slug}-system`,
        name: `${t.names.sv}: verksamhetssystem`,
        enabled: true,
        publicClient: false,
        standardFlowEnabled: false,
        directAccessGrantsEnabled: false,
        serviceAccountsEnabled: true,
        // The secret is set in Keycloak, never in this file or in tenant.yaml.
        defaultClientScopes: ['kommuna', 'roles', 'basic'],
        attributes: { 'kommuna.organization': t.auth.organization },
      })),
    ],
    users: members.map((t) => ({
      username: `service-account-${t.slug}-system`,
      enabled: true,
      serviceAccountClientId: `${t.slug}-system`,
      realmRoles: ['service_account'],
    })),
    organizations: members.map((t) => ({
      name: t.names.sv,
      alias: t.auth.organization,
      enabled: true,
      description: `${t.names.en} (kommunkod ${t.kommunkod})`,
      domains: [{ name: new URL(t.contact.url ?? `https://${t.slug}.se`).hostname.replace(/^www\./, ''), verified: false }],
      attributes: { kommunkod: [t.kommunkod] },
    })),
  };
}
