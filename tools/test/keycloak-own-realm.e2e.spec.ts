import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { AuthenticationError, KeycloakTokenVerifier, TrustedRealms } from '@kommuna/platform-auth';
import { TenantConfig } from '@kommuna/platform-tenancy';
import { freePort, realmSubject, spawnDevIdp, startKeycloakProcess } from '@kommuna/platform-testing';
import { keycloakRealmExport } from '../scripts/keycloak-realm';
import { memberTenants } from './members';

// A municipality with a realm of its own (tenant.yaml auth.realm), served the same way by a real
// Keycloak 26 (the realm exports generated from the tenant files, as npm run keycloak:realm does)
// and by dev-idp (per-realm URLs, like Keycloak's): its staff and its system account log in there,
// with that realm as issuer and its own keys, and no longer in the shared realm; Kommuna trusts
// the realm for that municipality (TrustedRealms, as the api builds it).

const tenants = memberTenants();
const moved = tenants[tenants.length - 1];
const OWN_REALM = `${moved.slug}-egen`;
const withOwnRealm: TenantConfig[] = tenants.map((t) => (t.slug === moved.slug ? { ...t, auth: { ...t.auth, realm: OWN_REALM } } : t));

interface RealmServer {
  url: string;
  stop(): Promise<unknown>;
}

const servers: Array<[string, () => Promise<RealmServer>]> = [
  [
    'Keycloak',
    async () => {
      const keycloak = await startKeycloakProcess({
        realmExports: [keycloakRealmExport(withOwnRealm), keycloakRealmExport(withOwnRealm, { realm: OWN_REALM })],
      });
      return keycloak;
    },
  ],
  [
    'dev-idp',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'own-realm-tenants-'));
      for (const t of withOwnRealm) {
        fs.mkdirSync(path.join(dir, t.slug));
        fs.writeFileSync(path.join(dir, t.slug, 'tenant.yaml'), stringify(t));
      }
      const port = await freePort();
      const idp = spawnDevIdp(port, { KOMMUNA_TENANTS_DIR: dir });
      await idp.ready.catch(async (error) => {
        await idp.kill();
        throw error;
      });
      return {
        url: `http://127.0.0.1:${port}`,
        stop: async () => {
          await idp.stop();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ],
];

describe.each(servers)("a municipality's own realm at %s", (_name, start) => {
  let server: RealmServer;
  beforeAll(async () => {
    server = await start();
  }, 360_000);
  afterAll(() => server?.stop());

  const realmUrl = (realm: string) => `${server.url}/realms/${realm}`;
  const token = async (realm: string, form: Record<string, string>, basic?: string) => {
    const response = await fetch(`${realmUrl(realm)}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(basic ? { authorization: `Basic ${Buffer.from(basic).toString('base64')}` } : {}),
      },
      body: new URLSearchParams(form),
    });
    return (await response.json()) as Record<string, string>;
  };
  const staff = (username: string) => ({
    grant_type: 'password',
    client_id: 'kommuna-dev',
    username,
    password: 'kommuna-demo',
    scope: 'openid',
  });
  const system = `${moved.slug}-system:${moved.slug}-system-secret`;

  it('serves the realm at its own URL with its own keys, and Kommuna trusts it for that municipality only', async () => {
    const discovery = (await (await fetch(`${realmUrl(OWN_REALM)}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(discovery.issuer).toBe(realmUrl(OWN_REALM));
    const trusted = new TrustedRealms(server.url, 'kommuna-api', withOwnRealm);
    expect(trusted.realmUrlOf(moved.slug)).toBe(realmUrl(OWN_REALM));
    expect(trusted.realmUrlOf(tenants[0].slug)).toBe(realmUrl('kommuna'));
    const admin = await token(OWN_REALM, staff(`${moved.slug}-admin`));
    await expect(new KeycloakTokenVerifier(trusted.all()).verify(admin.access_token)).resolves.toMatchObject({
      // Keycloak's user ids are unique across realms: the same username has another subject here.
      subject: realmSubject(OWN_REALM, `${moved.slug}-admin`),
      issuer: realmUrl(OWN_REALM),
      roles: ['tenant_admin'],
      organizations: [moved.auth.organization],
    });
    // Signed with the own realm's keys: the shared realm's verifier refuses it.
    const shared = new KeycloakTokenVerifier([{ realmUrl: realmUrl('kommuna'), audience: 'kommuna-api' }]);
    await expect(shared.verify(admin.access_token)).rejects.toThrow(AuthenticationError);
  }, 60_000);

  it("gives the municipality's system account its token there, with its organization", async () => {
    const answer = await token(OWN_REALM, { grant_type: 'client_credentials' }, system);
    const verifier = new KeycloakTokenVerifier([{ realmUrl: realmUrl(OWN_REALM), audience: 'kommuna-api' }]);
    await expect(verifier.verify(answer.access_token)).resolves.toMatchObject({
      roles: ['service_account'],
      organizations: [moved.auth.organization],
      clientId: `${moved.slug}-system`,
    });
  });

  it("keeps the municipality's staff and system out of the shared realm, and the others' out of its own", async () => {
    expect((await token('kommuna', staff(`${moved.slug}-admin`))).error).toBe('invalid_grant');
    expect((await token('kommuna', { grant_type: 'client_credentials' }, system)).error).toMatch(/^(unauthorized|invalid)_client$/);
    expect((await token(OWN_REALM, staff(`${tenants[0].slug}-admin`))).error).toBe('invalid_grant');
    expect((await token('kommuna', staff(`${tenants[0].slug}-admin`))).access_token).toEqual(expect.any(String));
  });
});
