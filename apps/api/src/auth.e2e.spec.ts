import { Database } from '@kommuna/platform-persistence';
import { startTestApi, TestApi } from './testing/test-api';

// Access through real signed tokens, verified by keycloak-connect against the realm's JWKS.
describe('api access (tokens, roles, municipality membership)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api?.close());

  const ME = '{ me { subject roles organizations unit clientId partyId hasPersonnummer tenant { slug } } }';
  const staff = (organization: string, roles = ['case_worker'], extra: Record<string, unknown> = {}) =>
    api.realm.token({
      sub: `staff-${organization}`,
      realm_access: { roles },
      organization: [organization],
      unit: 'socialtjanst',
      ...extra,
    });
  const citizen = () => api.realm.token({ sub: 'citizen-1', realm_access: { roles: ['citizen'] }, personnummer: '199001019802' });
  const me = (token: string | undefined, tenant?: string) =>
    api.graphql(ME, {
      ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
      ...(tenant ? { 'x-kommuna-tenant': tenant } : {}),
    });

  it("answers `me` for a municipality's case worker", async () => {
    const { status, body } = await me(staff('sundsvall'), 'sundsvall');
    expect(status).toBe(200);
    expect(body.data.me).toEqual({
      subject: 'staff-sundsvall',
      roles: ['case_worker'],
      organizations: ['sundsvall'],
      unit: 'socialtjanst',
      clientId: 'kommuna-web',
      partyId: null,
      hasPersonnummer: false,
      tenant: { slug: 'sundsvall' },
    });
  });

  it('answers `me` for a citizen in any municipality, without echoing the personnummer', async () => {
    const { status, body } = await me(citizen(), 'timra');
    expect(status).toBe(200);
    expect(body.data.me).toMatchObject({ roles: ['citizen'], hasPersonnummer: true, tenant: { slug: 'timra' } });
    expect(JSON.stringify(body)).not.toContain('199001019802');
    // The citizen acts in their subject context: one party id, the same in every municipality.
    expect(body.data.me.partyId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await me(citizen(), 'ange')).body.data.me.partyId).toBe(body.data.me.partyId);
  });

  it('refuses bad tokens with 401 and UNAUTHENTICATED', async () => {
    const valid = staff('sundsvall');
    const [head, , signature] = valid.split('.');
    const payload = JSON.parse(Buffer.from(valid.split('.')[1], 'base64url').toString());
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const bad: Record<string, string | undefined> = {
      'no token': undefined,
      malformed: 'not-a-token',
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`,
      'unknown key': api.realm.forgedToken({ sub: 'x', realm_access: { roles: ['case_worker'] }, organization: ['sundsvall'] }),
      expired: staff('sundsvall', ['case_worker'], { exp: now - 600 }),
      'not yet valid': staff('sundsvall', ['case_worker'], { nbf: now + 600 }),
      'untrusted issuer': staff('sundsvall', ['case_worker'], { iss: 'http://127.0.0.1:1/realms/kommuna' }),
      'wrong audience': staff('sundsvall', ['case_worker'], { aud: 'another-api' }),
      'tampered payload': `${head}.${b64({ ...payload, realm_access: { roles: ['platform_admin'] } })}.${signature}`,
    };
    for (const [name, token] of Object.entries(bad)) {
      const { status, body } = await me(token, 'sundsvall');
      expect({ name, status, code: body.errors?.[0]?.extensions?.code, data: body.data }).toEqual({
        name,
        status: 401,
        code: 'UNAUTHENTICATED',
        data: null,
      });
    }
  });

  it("refuses tenant A's staff against tenant B with 403 and FORBIDDEN", async () => {
    const { status, body } = await me(staff('sundsvall', ['tenant_admin']), 'timra');
    expect(status).toBe(403);
    expect(body.errors[0]).toMatchObject({ message: 'You are not a member of Municipality of Timrå', extensions: { code: 'FORBIDDEN' } });
    const noTenant = await me(staff('sundsvall'));
    expect(noTenant.status).toBe(403);
  });

  it('refuses a token holding none of the allowed roles with 403', async () => {
    const { status, body } = await me(api.realm.token({ sub: 'nobody', realm_access: { roles: ['offline_access'] } }), 'sundsvall');
    expect(status).toBe(403);
    expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('never writes tokens or personal numbers to the logs', async () => {
    const token = citizen();
    await me(token, 'timra');
    await me(`${token}x`, 'timra');
    const logs = api.logLines.join('\n');
    expect(logs).not.toContain(token.split('.')[1]);
    expect(logs).not.toContain('199001019802');
  });
});

describe('api when identity lookup fails', () => {
  it('answers 503 without internals when the party register cannot be reached', async () => {
    const api = await startTestApi();
    try {
      const token = api.realm.token({ sub: 'c9', realm_access: { roles: ['citizen'] }, personnummer: '199001019802' });
      await api.app.get(Database).dataSource.destroy(); // the database goes away under the running api
      const { status, body, headers } = await api.graphql('{ me { subject } }', {
        authorization: `Bearer ${token}`,
        'x-kommuna-tenant': 'timra',
      });
      expect(status).toBe(503);
      expect(headers['retry-after']).toBe('5');
      expect(body).toEqual({ errors: [{ message: 'Service temporarily unavailable', extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
    } finally {
      await api.close();
    }
  });
});
