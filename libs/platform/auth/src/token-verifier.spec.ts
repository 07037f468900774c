import { startTestRealm, TestRealm } from '@kommuna/platform-testing';
import { AuthenticationError, KeycloakTokenVerifier } from './token-verifier';
import { CASE_SYSTEM_SCOPE, hasScope } from './principal';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('KeycloakTokenVerifier', () => {
  let realm: TestRealm;
  let realmUrl: string;
  let verifier: KeycloakTokenVerifier;

  const now = () => Math.floor(Date.now() / 1000);
  const claims = (extra: Record<string, unknown> = {}) => ({
    sub: 'f2d4c7e6-0000-4000-8000-000000000001',
    realm_access: { roles: ['case_worker', 'offline_access'] },
    organization: ['sundsvall'],
    unit: 'socialtjanst',
    ...extra,
  });
  const signToken = (extra: Record<string, unknown> = {}, header: Record<string, unknown> = {}) => realm.token(claims(extra), header);

  const reasonOf = async (token: string | undefined) => {
    try {
      await verifier.verify(token);
    } catch (error) {
      if (error instanceof AuthenticationError) return error.reason;
      throw error;
    }
    return 'accepted';
  };

  const reasonOfWith = async (other: KeycloakTokenVerifier, token: string) => {
    try {
      await other.verify(token);
    } catch (error) {
      if (error instanceof AuthenticationError) return error.reason;
      throw error;
    }
    return 'accepted';
  };

  beforeAll(async () => {
    realm = await startTestRealm();
    realmUrl = realm.realmUrl;
    verifier = new KeycloakTokenVerifier([{ realmUrl, audience: 'kommuna-api' }]);
  });
  afterAll(() => realm.close());

  it('turns a valid staff token into a principal', async () => {
    await expect(verifier.verify(signToken())).resolves.toEqual({
      subject: 'f2d4c7e6-0000-4000-8000-000000000001',
      issuer: realmUrl,
      roles: ['case_worker'],
      organizations: ['sundsvall'],
      unit: 'socialtjanst',
      clientId: 'kommuna-web',
      personnummer: undefined,
      scopes: [],
    });
  });

  it("reads the token's granted scopes from its space-separated scope claim, and none from anything else", async () => {
    const system = await verifier.verify(
      signToken({ realm_access: { roles: ['service_account'] }, scope: 'profile  email eforms-submissions email' }),
    );
    expect(system.scopes).toEqual(['profile', 'email', 'eforms-submissions']);
    expect(hasScope(system, CASE_SYSTEM_SCOPE)).toBe(true);
    const listed = await verifier.verify(signToken({ scope: ['eforms-submissions'] }));
    expect(listed.scopes).toEqual([]);
    expect(hasScope(listed, CASE_SYSTEM_SCOPE)).toBe(false);
  });

  it("reads a citizen's identity number from OIDC Sweden's claims, and a service account's client id", async () => {
    const resident = (identity: Record<string, unknown>) =>
      verifier.verify(signToken({ realm_access: { roles: ['citizen'] }, organization: undefined, unit: undefined, ...identity }));
    const citizen = await resident({ 'https://id.oidc.se/claim/personalIdentityNumber': '199001019802' });
    expect(citizen).toMatchObject({
      roles: ['citizen'],
      personnummer: '199001019802',
      identityNumberKind: 'personnummer',
      organizations: [],
    });
    // A person without a personnummer has a samordningsnummer, in its own claim.
    expect(await resident({ 'https://id.oidc.se/claim/coordinationNumber': '197507619810' })).toMatchObject({
      personnummer: '197507619810',
      identityNumberKind: 'samordningsnummer',
    });
    // Only OIDC Sweden's names count: a claim of another name is no identity number.
    const unnamed = await verifier.verify(
      realm.token({ sub: 'x', realm_access: { roles: ['citizen'] }, 'urn:oid:1.2.752.29.4.13': '199001019802' }),
    );
    expect(unnamed.personnummer).toBeUndefined();
    const system = await verifier.verify(
      signToken({ realm_access: { roles: ['service_account'] }, client_id: 'sundsvall-case-system', organization: { sundsvall: {} } }),
    );
    expect(system).toMatchObject({ roles: ['service_account'], clientId: 'sundsvall-case-system', organizations: ['sundsvall'] });
  });

  it('refuses every kind of bad token with its reason', async () => {
    const valid = signToken();
    const kid = JSON.parse(Buffer.from(valid.split('.')[0], 'base64url').toString()).kid;
    const [head, body, signature] = valid.split('.');
    const original = JSON.parse(Buffer.from(body, 'base64url').toString());
    const tampered = `${head}.${b64({ ...original, realm_access: { roles: ['platform_admin'] } })}.${signature}`;
    const cases: Array<[string, string | undefined, string]> = [
      ['no token', undefined, 'missing'],
      ['not a JWT', 'hello', 'malformed'],
      ['garbage segments', 'a.b.c', 'malformed'],
      ['alg none', `${b64({ alg: 'none', kid })}.${body}.`, 'malformed'],
      ['alg none with a signature part', `${b64({ alg: 'none', kid })}.${body}.${signature}`, 'algorithm'],
      ['HS256', signToken({}, { alg: 'HS256' }), 'algorithm'],
      ['signed by an unknown key', realm.forgedToken(claims()), 'signature'],
      ['unknown kid', signToken({}, { kid: 'key-x' }), 'signature'],
      ['tampered payload', tampered, 'signature'],
      ['expired', signToken({ exp: now() - 120 }), 'expired'],
      ['without exp', signToken({ exp: undefined }), 'expired'],
      ['not yet valid', signToken({ nbf: now() + 600 }), 'not_yet_valid'],
      ['untrusted issuer', signToken({ iss: 'http://evil.example/realms/kommuna' }), 'untrusted_issuer'],
      ['other realm on the same server', signToken({ iss: realmUrl.replace('kommuna', 'master') }), 'untrusted_issuer'],
      ['wrong audience', signToken({ aud: 'someone-else' }), 'wrong_audience'],
      ['an ID token, not an access token', signToken({ typ: 'ID' }), 'wrong_type'],
      ['no subject', signToken({ sub: undefined }), 'no_subject'],
    ];
    for (const [name, token, reason] of cases) {
      expect({ name, reason: await reasonOf(token) }).toEqual({ name, reason });
    }
  });

  it('never puts the token in its error message', async () => {
    const token = realm.forgedToken(claims());
    const error = await verifier.verify(token).catch((e: Error) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).not.toContain(token.split('.')[1]);
  });

  it('caches the keys and fetches them again when the realm rotates to a new key', async () => {
    const fresh = new KeycloakTokenVerifier([{ realmUrl, audience: 'kommuna-api' }], { minSecondsBetweenJwksRequests: 0 });
    const before = realm.jwksRequests();
    await fresh.verify(signToken());
    await fresh.verify(signToken());
    expect(realm.jwksRequests() - before).toBe(1);

    realm.rotateKey();
    await expect(fresh.verify(signToken())).resolves.toMatchObject({ roles: ['case_worker'] });
    expect(realm.jwksRequests() - before).toBe(2);
  });

  it('checks every token against the realm key it converted once: a forgery under the same kid stays refused', async () => {
    const fresh = new KeycloakTokenVerifier([{ realmUrl, audience: 'kommuna-api' }]);
    for (let i = 0; i < 3; i++) {
      await expect(fresh.verify(signToken({ unit: `u${i}` }))).resolves.toMatchObject({ unit: `u${i}` });
      await expect(reasonOfWith(fresh, realm.forgedToken(claims()))).resolves.toBe('signature');
    }
  });

  it('refuses an unknown kid without writing to the console, and without fetching the keys again within the interval', async () => {
    const quiet = new KeycloakTokenVerifier([{ realmUrl, audience: 'kommuna-api' }], { minSecondsBetweenJwksRequests: 600 });
    await quiet.verify(signToken());
    const before = realm.jwksRequests();
    // keycloak-connect reports a throttled refetch with console.error: a line that is not JSON in the logs.
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      for (const kid of ['key-x', 'key-y']) {
        await expect(quiet.verify(signToken({}, { kid }))).rejects.toMatchObject({ reason: 'signature' });
      }
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
    }
    expect(realm.jwksRequests()).toBe(before);
    await expect(quiet.verify(signToken())).resolves.toMatchObject({ roles: ['case_worker'] });
  });
});
