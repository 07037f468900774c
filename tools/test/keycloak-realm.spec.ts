import * as fs from 'node:fs';
import * as path from 'node:path';
import { TenantConfig, TenantConfigSchema } from '@kommuna/platform-tenancy';
import { keycloakRealmExport } from '../scripts/keycloak-realm';
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

  it("leaves Keycloak's built-in scopes in place and says which release it is for", () => {
    // A clientScopes list would replace basic (sub), roles (realm_access) and organization.
    expect(realm.clientScopes).toBeUndefined();
    expect(realm.keycloakVersion).toMatch(/^26\.\d+\.\d+$/);
    const web = realm.clients.find((c: any) => c.clientId === 'kommuna-web');
    expect(web.defaultClientScopes).toEqual(expect.arrayContaining(['basic', 'roles', 'organization']));
  });

  it('maps the claims the api reads and puts the api in the audience', () => {
    const web = realm.clients.find((c: any) => c.clientId === 'kommuna-web');
    expect(web.protocolMappers.map((m: any) => m.config['claim.name'] ?? m.config['included.client.audience'])).toEqual(['personnummer', 'unit', 'kommuna-api']);
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
    expect(web.redirectUris).toEqual(expect.arrayContaining([...shared.flatMap((t) => t.hosts.map((h) => `https://${h}/*`)), 'http://127.0.0.1:3003/auth/callback']));
    expect(web.redirectUris.filter((uri: string) => uri.indexOf('*') !== -1 && uri.indexOf('*') !== uri.length - 1)).toEqual([]);
  });

  it('lets only administrators set the unit and personnummer a token carries', () => {
    const profile = JSON.parse(realm.components['org.keycloak.userprofile.UserProfileProvider'][0].config['kc.user.profile.config'][0]);
    for (const name of ['unit', 'personnummer']) {
      expect(profile.attributes.find((a: any) => a.name === name).permissions.edit).toEqual(['admin']);
    }
  });

  it('holds no secrets', () => {
    expect(JSON.stringify(realm)).not.toMatch(/secret"\s*:/i);
  });
});
