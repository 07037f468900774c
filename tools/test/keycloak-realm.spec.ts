import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadTenantConfigs } from '@kommuna/platform-tenancy';
import { keycloakRealmExport } from '../scripts/keycloak-realm';

const root = path.resolve(__dirname, '../..');

describe('Keycloak realm export', () => {
  const tenants = loadTenantConfigs(path.join(root, 'tenants')).map((t) => t.config);
  const realm = keycloakRealmExport(tenants) as any;

  it('matches infra/keycloak/kommuna-realm.json (run `npm run keycloak:realm`)', () => {
    expect(JSON.parse(fs.readFileSync(path.join(root, 'infra/keycloak/kommuna-realm.json'), 'utf8'))).toEqual(realm);
  });

  it('has an Organization and a service-account client for every municipality, and every Kommuna role', () => {
    expect(realm.organizations.map((o: any) => o.alias).sort()).toEqual(tenants.map((t) => t.auth.organization).sort());
    expect(realm.clients.map((c: any) => c.clientId)).toEqual(expect.arrayContaining(tenants.map((t) => `${t.slug}-system`)));
    expect(realm.roles.realm.map((r: any) => r.name)).toEqual(
      expect.arrayContaining(['citizen', 'case_worker', 'tenant_admin', 'steering_group', 'platform_admin', 'service_account']),
    );
  });

  it('maps the claims the api reads and puts the api in the audience', () => {
    const mappers = realm.clientScopes[0].protocolMappers.map((m: any) => m.config['claim.name'] ?? m.config['included.client.audience']);
    expect(mappers).toEqual(['personnummer', 'unit', 'organization', 'kommuna-api']);
  });

  it('holds no secrets', () => {
    expect(JSON.stringify(realm)).not.toMatch(/secret"\s*:/i);
  });
});
