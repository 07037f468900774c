import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEV_EID_CLIENT_SECRET, demoSubject, devRealm, keycloakVersion, REALM_EXPORT_FILE, startKeycloakProcess } from './keycloak-process';

describe('the Keycloak test helper', () => {
  const realmExport = JSON.parse(fs.readFileSync(REALM_EXPORT_FILE, 'utf8'));

  it('fails naming the install command when the distribution is not in the cache', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-keycloak-cache-'));
    const before = process.env.KOMMUNA_KEYCLOAK_CACHE_DIR;
    process.env.KOMMUNA_KEYCLOAK_CACHE_DIR = empty;
    try {
      await expect(startKeycloakProcess()).rejects.toThrow(
        `Keycloak ${keycloakVersion()} is not installed at ${path.join(empty, `keycloak-${keycloakVersion()}`)}: run \`npm run keycloak:install\``,
      );
    } finally {
      if (before === undefined) delete process.env.KOMMUNA_KEYCLOAK_CACHE_DIR;
      else process.env.KOMMUNA_KEYCLOAK_CACHE_DIR = before;
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('adds demo users, secrets and dev-only clients to a copy of the export, never to the export', () => {
    const dev = devRealm(realmExport, { redirectUris: ['http://127.0.0.1:4000/auth/callback'] }) as any;
    const staff = dev.users.find((u: any) => u.username === 'sundsvall-socialtjanst');
    expect(staff).toMatchObject({
      id: demoSubject('sundsvall-socialtjanst'),
      realmRoles: ['case_worker', 'default-roles-kommuna'],
      attributes: { unit: ['socialtjanst'] },
    });
    expect(dev.organizations.find((o: any) => o.alias === 'sundsvall').members.map((m: any) => m.username)).toEqual([
      'sundsvall-socialtjanst',
      'sundsvall-skola',
      'sundsvall-admin',
    ]);
    expect(dev.clients.find((c: any) => c.clientId === 'sundsvall-system').secret).toBe('sundsvall-system-secret');
    expect(dev.clients.find((c: any) => c.clientId === 'kommuna-dev').directAccessGrantsEnabled).toBe(true);
    expect(dev.clients.find((c: any) => c.clientId === 'kommuna-web').redirectUris).toContain('http://127.0.0.1:4000/auth/callback');
    expect(JSON.stringify(realmExport)).not.toMatch(/kommuna-demo|"secret"|"kommuna-dev/);
    // The eID broker moves to a test's own dev-idp, every endpoint of it.
    const eid = (devRealm(realmExport, { eidIssuer: 'http://127.0.0.1:4001/realms/eid' }) as any).identityProviders[0].config;
    expect(eid).toMatchObject({
      issuer: 'http://127.0.0.1:4001/realms/eid',
      authorizationUrl: 'http://127.0.0.1:4001/realms/eid/protocol/openid-connect/auth',
      tokenUrl: 'http://127.0.0.1:4001/realms/eid/protocol/openid-connect/token',
      jwksUrl: 'http://127.0.0.1:4001/realms/eid/protocol/openid-connect/certs',
      clientSecret: DEV_EID_CLIENT_SECRET,
    });
  });

  it('gives every demo user a stable UUID subject', () => {
    expect(demoSubject('styrgrupp')).toBe(demoSubject('styrgrupp'));
    expect(demoSubject('styrgrupp')).not.toBe(demoSubject('plattform'));
    expect(demoSubject('styrgrupp')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
