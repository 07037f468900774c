import { demoSubject } from '@kommuna/platform-testing';
import { startTestApiWithDevIdp, useTestApi } from './testing/test-api';

// The same access rules with tokens issued by dev-idp (the embedded Keycloak stand-in) and
// verified by the api through keycloak-connect, as after `npm start`.
describe('api access with dev-idp tokens', () => {
  const api = useTestApi(startTestApiWithDevIdp, 60_000);

  const me = (token: string, tenant?: string) =>
    api.graphql('{ me { subject roles organizations unit clientId tenant { slug } } }', {
      authorization: `Bearer ${token}`,
      ...(tenant ? { 'x-kommuna-tenant': tenant } : {}),
    });

  it('lets a case worker in, in their own municipality only', async () => {
    const token = await api.idp.passwordToken('harnosand-skola');
    const own = await me(token, 'harnosand');
    expect(own.status).toBe(200);
    expect(own.body.data.me).toEqual({
      subject: demoSubject('harnosand-skola'),
      roles: ['case_worker'],
      organizations: ['harnosand'],
      unit: 'skola',
      clientId: 'kommuna-dev',
      tenant: { slug: 'harnosand' },
    });
    const other = await me(token, 'ange');
    expect(other.status).toBe(403);
    expect(other.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it("lets a municipality's service account in for that municipality only", async () => {
    const token = await api.idp.serviceAccountToken('ange');
    expect((await me(token, 'ange')).body.data.me).toMatchObject({
      roles: ['service_account'],
      clientId: 'ange-system',
      organizations: ['ange'],
    });
    expect((await me(token, 'sundsvall')).status).toBe(403);
  });

  it('lets citizens and the steering group in without a municipality membership', async () => {
    const citizen = await me(await api.idp.passwordToken('medborgare-erik'), 'timra');
    expect(citizen.body.data.me).toMatchObject({ roles: ['citizen'], organizations: [], tenant: { slug: 'timra' } });
    const steering = await me(await api.idp.passwordToken('styrgrupp'));
    expect(steering.body.data.me).toMatchObject({ roles: ['steering_group'], tenant: null });
  });

  it('refuses a dev-idp token whose payload was altered', async () => {
    const [head, body, signature] = (await api.idp.passwordToken('timra-socialtjanst')).split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
    const forged = `${head}.${Buffer.from(JSON.stringify({ ...claims, realm_access: { roles: ['platform_admin'] } })).toString('base64url')}.${signature}`;
    const { status, body: response } = await me(forged, 'timra');
    expect(status).toBe(401);
    expect(response.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});
