import { PartyRegister, PLATFORM_DATABASE_SCHEMA } from '@kommuna/platform-persistence';
import { startTestRealm, TestRealm, useTestDatabase } from '@kommuna/platform-testing';
import { Authenticator } from './authenticator';
import { KeycloakTokenVerifier } from './token-verifier';

describe('Authenticator', () => {
  const db = useTestDatabase(PLATFORM_DATABASE_SCHEMA);
  let realm: TestRealm;
  let authenticator: Authenticator;
  beforeAll(async () => {
    realm = await startTestRealm();
    authenticator = new Authenticator(
      new KeycloakTokenVerifier([{ realmUrl: realm.realmUrl, audience: 'kommuna-api' }]),
      new PartyRegister(db()),
    );
  });
  afterAll(() => realm.close());

  const citizen = (personnummer: string, sub = 'c') => `Bearer ${realm.token({ sub, realm_access: { roles: ['citizen'] }, personnummer })}`;

  it('gives a citizen one stable party id, whatever form the personnummer came in', async () => {
    const first = await authenticator.authenticate(citizen('199001019802'));
    const again = await authenticator.authenticate(citizen('900101-9802', 'other-login'));
    expect(first.principal?.partyId).toMatch(/^[0-9a-f-]{36}$/);
    expect(again.principal?.partyId).toBe(first.principal?.partyId);
    const other = await authenticator.authenticate(citizen('197110109878'));
    expect(other.error).toBeUndefined();
    expect(other.principal?.partyId).not.toBe(first.principal?.partyId);
    const rows = await db().dataSource.query(`SELECT identity_number FROM party ORDER BY identity_number`);
    expect(rows).toEqual([{ identity_number: '197110109878' }, { identity_number: '199001019802' }]);
  });

  it('gives a resident with a samordningsnummer a party, and refuses a number in the claim of the other kind', async () => {
    const coordination = await authenticator.authenticate(citizen('197507619810'));
    expect(coordination.error).toBeUndefined();
    expect(coordination.principal).toMatchObject({
      identityNumberKind: 'samordningsnummer',
      partyId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const claimed = (claim: string, number: string) =>
      authenticator.authenticate(`Bearer ${realm.token({ sub: 'mixed', realm_access: { roles: ['citizen'] }, [claim]: number })}`);
    for (const mixedUp of [
      await claimed('https://id.oidc.se/claim/personalIdentityNumber', '197507619810'),
      await claimed('https://id.oidc.se/claim/coordinationNumber', '199001019802'),
      await claimed('https://id.oidc.se/claim/personalIdentityNumber', '199001019803'),
    ]) {
      expect(mixedUp.principal).toBeUndefined();
      expect(mixedUp.error?.reason).toBe('invalid_personnummer');
    }
  });

  it('creates one party when the same person logs in many times at once', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => authenticator.authenticate(citizen('196502029884'))));
    expect(new Set(results.map((r) => r.principal?.partyId)).size).toBe(1);
    expect(await db().dataSource.query(`SELECT count(*)::int AS n FROM party WHERE identity_number = '196502029884'`)).toEqual([{ n: 1 }]);
  });

  it('remembers known parties (no statement for a returning citizen) within a bounded size', async () => {
    const register = new PartyRegister(db(), 2);
    const statements: string[] = [];
    const dataSource = db().dataSource;
    const query = dataSource.query.bind(dataSource);
    dataSource.query = ((sql: string, ...rest: unknown[]) => (
      statements.push(sql),
      query(sql, ...(rest as []))
    )) as typeof dataSource.query;
    try {
      const anna = await register.partyIdFor('person', '199001019802');
      expect(await register.partyIdFor('person', '199001019802')).toBe(anna);
      expect(statements).toHaveLength(1);
      await register.partyIdFor('person', '197110109878');
      await register.partyIdFor('person', '196502029884');
      // Anna was the least recently used of three in a register of two: asked again.
      expect(await register.partyIdFor('person', '199001019802')).toBe(anna);
      expect(statements).toHaveLength(4);
    } finally {
      dataSource.query = query;
    }
  });

  it('gives staff no party, and reports a bad token instead of throwing', async () => {
    const staff = await authenticator.authenticate(
      `Bearer ${realm.token({ sub: 's', realm_access: { roles: ['case_worker'] }, organization: ['x'] })}`,
    );
    expect(staff.principal?.partyId).toBeUndefined();
    expect(await authenticator.authenticate(undefined)).toEqual({});
    expect((await authenticator.authenticate('Bearer nonsense')).error?.reason).toBe('malformed');
    expect((await authenticator.authenticate('Basic abc')).error?.reason).toBe('missing');
  });
});
