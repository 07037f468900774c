import * as fs from 'node:fs';
import * as path from 'node:path';
import { TenantConfig, TenantConfigSchema } from '@kommuna/platform-tenancy';
import { CASE_SYSTEM_SCOPE } from '@kommuna/platform-auth';
import { keycloakRealmExport, KEYCLOAK_VERSION } from '../scripts/keycloak-realm';
import { CHECKED_TREE, memberTenants, sharedRealmMembers } from './members';

describe('Keycloak realm export', () => {
  const tenants = memberTenants();
  const shared = sharedRealmMembers(tenants);
  const realm = keycloakRealmExport(tenants) as any;

  it('matches infra/keycloak/kommuna-realm.json (run `npm run keycloak:realm`)', () => {
    expect(JSON.parse(fs.readFileSync(path.join(CHECKED_TREE, 'infra/keycloak/kommuna-realm.json'), 'utf8'))).toEqual(realm);
  });

  it('has an Organization and a service-account client for every municipality in the shared realm, and every Kommuna role', () => {
    expect(shared.length).toBeGreaterThan(0);
    expect(realm.organizations.map((o: any) => o.alias).sort()).toEqual(shared.map((t) => t.auth.organization).sort());
    expect(realm.clients.map((c: any) => c.clientId)).toEqual(expect.arrayContaining(shared.map((t) => `${t.slug}-system`)));
    expect(realm.users.map((u: any) => u.serviceAccountClientId).sort()).toEqual(shared.map((t) => `${t.slug}-system`).sort());
    expect(realm.roles.realm.map((r: any) => r.name)).toEqual(
      expect.arrayContaining(['citizen', 'case_worker', 'tenant_admin', 'steering_group', 'platform_admin', 'service_account']),
    );
  });

  it("gives everyone offline_access through the realm's default role, as a realm Keycloak creates itself", () => {
    expect(realm.defaultRole).toMatchObject({ name: 'default-roles-kommuna', composite: true });
    expect(realm.roles.realm.find((r: any) => r.name === 'default-roles-kommuna').composites).toEqual({ realm: ['offline_access'] });
    expect(realm.roles.realm.map((r: any) => r.name)).toContain('offline_access');
    expect(realm.clients.find((c: any) => c.clientId === 'kommuna-web').optionalClientScopes).toContain('offline_access');
  });

  it('leaves a municipality with its own Keycloak (auth.issuer) out of the shared realm', () => {
    // One member of the checked tree moved to its own Keycloak, beside any that already have one.
    const [moved] = shared;
    const own: TenantConfig = TenantConfigSchema.parse({
      ...moved,
      auth: { realm: 'personal', organization: moved.auth.organization, issuer: `https://login.${moved.slug}.se/realms/personal` },
    });
    const withOwn = keycloakRealmExport(tenants.map((t) => (t.slug === moved.slug ? own : t))) as any;
    const outside = [own, ...tenants.filter((t) => t.auth.issuer)];
    for (const t of outside) {
      expect(withOwn.organizations.map((o: any) => o.alias)).not.toContain(t.auth.organization);
      expect(withOwn.clients.map((c: any) => c.clientId)).not.toContain(`${t.slug}-system`);
      expect(withOwn.users.map((u: any) => u.serviceAccountClientId)).not.toContain(`${t.slug}-system`);
    }
    expect(withOwn.organizations).toHaveLength(shared.length - 1);
  });

  it("keeps every one of Keycloak's built-in scopes beside its own, and says which release it is for", () => {
    // A clientScopes list replaces the built-in scopes: without basic (sub), roles (realm_access)
    // and organization tokens come without them. So the list is the release's own, plus Kommuna's.
    const builtin = JSON.parse(
      fs.readFileSync(path.join(CHECKED_TREE, `infra/keycloak/builtin-client-scopes-${KEYCLOAK_VERSION}.json`), 'utf8'),
    );
    expect(realm.keycloakVersion).toBe(KEYCLOAK_VERSION);
    expect(realm.clientScopes.map((s: any) => s.name)).toEqual([
      ...builtin.clientScopes.map((s: any) => s.name),
      CASE_SYSTEM_SCOPE,
      'events-in',
    ]);
    expect(realm.clientScopes.map((s: any) => s.name)).toEqual(
      expect.arrayContaining([
        'basic',
        'roles',
        'profile',
        'email',
        'web-origins',
        'acr',
        'organization',
        'service_account',
        'offline_access',
      ]),
    );
    expect(realm.defaultDefaultClientScopes).toEqual(builtin.defaultDefaultClientScopes);
    const scopes = new Set(realm.clientScopes.map((s: any) => s.name));
    const web = realm.clients.find((c: any) => c.clientId === 'kommuna-web');
    expect(web.defaultClientScopes).toEqual(expect.arrayContaining(['basic', 'roles', 'organization']));
    for (const client of realm.clients)
      for (const scope of [...(client.defaultClientScopes ?? []), ...(client.optionalClientScopes ?? [])]) expect(scopes).toContain(scope);
  });

  it("gives each municipality's system the case-system scope, in its token's scope claim", () => {
    const scope = realm.clientScopes.find((s: any) => s.name === CASE_SYSTEM_SCOPE);
    expect(scope).toMatchObject({ protocol: 'openid-connect', attributes: { 'include.in.token.scope': 'true' } });
    for (const t of shared)
      expect(realm.clients.find((c: any) => c.clientId === `${t.slug}-system`).defaultClientScopes).toEqual(
        expect.arrayContaining([CASE_SYSTEM_SCOPE, 'events-in']),
      );
    expect(realm.clients.find((c: any) => c.clientId === 'kommuna-web').defaultClientScopes).not.toContain(CASE_SYSTEM_SCOPE);
  });

  it('brokers residents through an eID provider: personnummer and assurance level imported on every login, the citizen role, acr in the token', () => {
    expect(realm.identityProviders).toEqual([expect.objectContaining({ alias: 'eid', providerId: 'oidc', enabled: true })]);
    const eid = realm.identityProviders[0].config;
    expect(eid.defaultScope.split(' ')).toEqual(expect.arrayContaining(['openid', 'https://id.oidc.se/scope/naturalPersonNumber']));
    expect(eid.clientSecret).toMatch(/^\$\{vault\./);
    const mappers = Object.fromEntries(realm.identityProviderMappers.map((m: any) => [m.config['user.attribute'] ?? m.config.role, m]));
    expect(mappers.personnummer.config).toEqual({
      syncMode: 'FORCE',
      claim: 'https://id\\.oidc\\.se/claim/personalIdentityNumber',
      'user.attribute': 'personnummer',
    });
    expect(mappers.samordningsnummer.config).toEqual({
      syncMode: 'FORCE',
      claim: 'https://id\\.oidc\\.se/claim/coordinationNumber',
      'user.attribute': 'samordningsnummer',
    });
    expect(mappers.assurance.config).toEqual({ syncMode: 'FORCE', claim: 'acr', 'user.attribute': 'assurance' });
    expect(mappers.citizen.identityProviderMapper).toBe('oidc-hardcoded-role-idp-mapper');
    const web = realm.clients.find((c: any) => c.clientId === 'kommuna-web');
    expect(web.protocolMappers.find((m: any) => m.config['claim.name'] === 'acr').config['user.attribute']).toBe('assurance');
    // Keycloak's own acr scope writes "0"/"1" into the same claim: the web client goes without it.
    expect(web.defaultClientScopes).not.toContain('acr');
  });

  it('maps the claims the api reads and puts the api in the audience', () => {
    const web = realm.clients.find((c: any) => c.clientId === 'kommuna-web');
    // The identity numbers under OIDC Sweden's claim names (dots escaped: Keycloak reads a bare dot as nesting).
    expect(web.protocolMappers.map((m: any) => m.config['claim.name'] ?? m.config['included.client.audience'])).toEqual([
      'https://id\\.oidc\\.se/claim/personalIdentityNumber',
      'https://id\\.oidc\\.se/claim/coordinationNumber',
      'unit',
      'kommuna-api',
      'acr',
    ]);
    for (const t of shared) {
      const system = realm.clients.find((c: any) => c.clientId === `${t.slug}-system`);
      const organization = system.protocolMappers.find((m: any) => m.config['claim.name'] === 'organization');
      expect(JSON.parse(organization.config['claim.value'])).toEqual([t.auth.organization]);
      expect(system.protocolMappers.map((m: any) => m.config['included.client.audience']).filter(Boolean)).toEqual(['kommuna-api']);
    }
  });

  it('logs people in through the browser only, back to registered callbacks', () => {
    const web = realm.clients.find((c: any) => c.clientId === 'kommuna-web');
    expect(realm.clients.filter((c: any) => c.directAccessGrantsEnabled)).toEqual([]);
    expect(web.attributes['pkce.code.challenge.method']).toBe('S256');
    // Keycloak matches a wildcard only at the end: every municipality host has its own entry.
    expect(web.redirectUris).toEqual(
      expect.arrayContaining([...shared.flatMap((t) => t.hosts.map((h) => `https://${h}/*`)), 'http://127.0.0.1:3003/auth/callback']),
    );
    // The residents' web (apps/web) on each municipality's local host and default port, and its goodbye page.
    expect(web.redirectUris).toEqual(expect.arrayContaining(shared.map((t) => `http://${t.slug}.localhost:3005/auth/callback`)));
    expect(web.attributes['post.logout.redirect.uris'].split('##')).toEqual([
      '+',
      ...shared.map((t) => `http://${t.slug}.localhost:3005/logged-out`),
    ]);
    expect(web.redirectUris.filter((uri: string) => uri.indexOf('*') !== -1 && uri.indexOf('*') !== uri.length - 1)).toEqual([]);
  });

  it('lets only administrators set the unit and personnummer a token carries', () => {
    const profile = JSON.parse(realm.components['org.keycloak.userprofile.UserProfileProvider'][0].config['kc.user.profile.config'][0]);
    for (const name of ['unit', 'personnummer', 'samordningsnummer', 'assurance']) {
      expect(profile.attributes.find((a: any) => a.name === name).permissions.edit).toEqual(['admin']);
    }
  });

  it('holds no secrets: the eID client secret is a vault reference', () => {
    const secrets = [...JSON.stringify(realm).matchAll(/secret"\s*:\s*"([^"]*)"/gi)].map((m) => m[1]);
    expect(secrets).toEqual(['${vault.eid-client-secret}']);
  });
});
