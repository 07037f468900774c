import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { PartyRegister, PLATFORM_DATABASE_SCHEMA, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { buildTenantConfig, startTestRealm, TestRealm, useTestDatabase } from '@kommuna/platform-testing';
import { Allow, AllowAtAnyAssurance, ForbiddenError, Public } from './access';
import { acrOf } from './assurance';
import { AccessGuard, AuthenticatedRequest } from './access.guard';
import { Authenticator } from './authenticator';
import { KeycloakTokenVerifier, AuthenticationError } from './token-verifier';
import { TrustedRealms } from './trusted-realms';

class Fixture {
  @Public()
  open(): string {
    return 'open';
  }

  @Allow('case_worker', 'tenant_admin')
  staffOnly(): string {
    return 'staffOnly';
  }

  @Allow('citizen', 'case_worker')
  citizensAndStaff(): string {
    return 'citizensAndStaff';
  }

  @AllowAtAnyAssurance('citizen', 'case_worker')
  whoAmI(): string {
    return 'whoAmI';
  }

  unguarded(): string {
    return 'unguarded';
  }
}

describe('AccessGuard', () => {
  const db = useTestDatabase(PLATFORM_DATABASE_SCHEMA);
  let realm: TestRealm;
  let guard: AccessGuard;
  let timra: Tenant;

  beforeAll(async () => {
    realm = await startTestRealm('kommuna');
    const configs = [
      buildTenantConfig({ slug: 'timra', auth: { realm: 'kommuna', organization: 'timra' } }),
      buildTenantConfig({ slug: 'ange', auth: { realm: 'kommuna', organization: 'ange', citizenAssurance: 'loa4' } }),
    ];
    const directory = new TenantDirectory(db());
    [timra] = await directory.sync(configs);
    const realms = new TrustedRealms(realm.realmUrl.replace(/\/realms\/kommuna$/, ''), 'kommuna-api', configs);
    guard = new AccessGuard(
      new Reflector(),
      new Authenticator(new KeycloakTokenVerifier(realms.all()), new PartyRegister(db())),
      directory,
      realms,
    );
  });
  afterAll(() => realm.close());

  const attempt = (method: keyof Fixture, token: string | undefined, tenantSlug?: string) => {
    const request: AuthenticatedRequest = { headers: token ? { authorization: `Bearer ${token}` } : {} };
    const context = new ExecutionContextHost([request, {}, () => undefined], Fixture, Fixture.prototype[method]);
    return requestContext.run({ tenantSlug, tenantId: tenantSlug === 'timra' ? timra.id : undefined }, () =>
      guard
        .canActivate(context)
        .then(() => (request.principal ? `${request.principal.subject}:${request.principal.roles.join('+')}` : 'anonymous')),
    );
  };
  const citizen = () => realm.token({ sub: 'c1', realm_access: { roles: ['citizen'] }, personnummer: '199001019802' });
  const staffOf = (organization: string) =>
    realm.token({ sub: `s-${organization}`, realm_access: { roles: ['case_worker'] }, organization: [organization] });

  it('lets anyone through a public entry point and no one through one without a rule', async () => {
    await expect(attempt('open', undefined)).resolves.toBe('anonymous');
    await expect(attempt('unguarded', staffOf('timra'), 'timra')).rejects.toThrow(ForbiddenError);
  });

  it('refuses a citizen token on a staff-only operation with FORBIDDEN', async () => {
    await expect(attempt('staffOnly', citizen(), 'timra')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('needs a valid token for a rule with roles', async () => {
    await expect(attempt('staffOnly', undefined, 'timra')).rejects.toThrow(AuthenticationError);
    await expect(
      attempt('staffOnly', realm.forgedToken({ sub: 'x', realm_access: { roles: ['case_worker'] }, organization: ['timra'] }), 'timra'),
    ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('lets staff in only in the municipality they belong to', async () => {
    await expect(attempt('staffOnly', staffOf('timra'), 'timra')).resolves.toBe('s-timra:case_worker');
    await expect(attempt('staffOnly', staffOf('timra'), 'ange')).rejects.toThrow('You are not a member of');
    await expect(attempt('staffOnly', staffOf('timra'))).rejects.toThrow(ForbiddenError);
    await expect(attempt('staffOnly', staffOf('timra'), 'gotham')).rejects.toMatchObject({ code: 'TENANT_NOT_FOUND' });
  });

  it('lets a citizen act in any municipality where citizens are allowed', async () => {
    await expect(attempt('citizensAndStaff', citizen(), 'timra')).resolves.toBe('c1:citizen');
    const atLoa4 = realm.token({ sub: 'c1', realm_access: { roles: ['citizen'] }, personnummer: '199001019802', acr: acrOf('loa4') });
    await expect(attempt('citizensAndStaff', atLoa4, 'ange')).resolves.toBe('c1:citizen');
  });

  describe("residents' e-legitimation level (auth.citizenAssurance: Timrå loa3 by default, Ånge loa4)", () => {
    const resident = (acr: unknown) => realm.token({ sub: 'c3', realm_access: { roles: ['citizen'] }, personnummer: '199001019802', acr });

    it('refuses a resident below the municipality’s level with INSUFFICIENT_ASSURANCE naming the level needed', async () => {
      await expect(attempt('citizensAndStaff', resident(acrOf('loa2')), 'timra')).rejects.toMatchObject({
        code: 'INSUFFICIENT_ASSURANCE',
        status: 403,
        details: { required: 'loa3', requiredAcr: 'http://id.elegnamnden.se/loa/1.0/loa3', actual: 'loa2' },
      });
      await expect(attempt('citizensAndStaff', resident(acrOf('loa3')), 'ange')).rejects.toMatchObject({
        code: 'INSUFFICIENT_ASSURANCE',
        details: { required: 'loa4', actual: 'loa3' },
      });
    });

    it('counts no level for an acr that is no certified Swedish or eIDAS level', async () => {
      for (const acr of ['1', 'http://id.swedenconnect.se/loa/1.0/uncertified-loa3', undefined]) {
        await expect(attempt('citizensAndStaff', resident(acr), 'timra')).rejects.toMatchObject({
          code: 'INSUFFICIENT_ASSURANCE',
          details: { actual: null },
        });
      }
      await expect(attempt('citizensAndStaff', resident('http://id.elegnamnden.se/loa/1.0/eidas-sub'), 'timra')).resolves.toBe(
        'c3:citizen',
      );
    });

    it('asks the strictest level of all members when the request names no municipality', async () => {
      await expect(attempt('citizensAndStaff', resident(acrOf('loa3')))).rejects.toMatchObject({
        code: 'INSUFFICIENT_ASSURANCE',
        details: { required: 'loa4' },
      });
      await expect(attempt('citizensAndStaff', resident(acrOf('loa4')))).resolves.toBe('c3:citizen');
    });

    it('leaves staff to their Organization, and lets a resident below the level ask who they are', async () => {
      const worker = realm.token({ sub: 's-timra', realm_access: { roles: ['case_worker'] }, organization: ['timra'], acr: '1' });
      await expect(attempt('citizensAndStaff', worker, 'timra')).resolves.toBe('s-timra:case_worker');
      await expect(attempt('whoAmI', resident(acrOf('loa2')), 'timra')).resolves.toBe('c3:citizen');
    });
  });

  it('treats a case worker who is also a citizen as a citizen outside their own municipality', async () => {
    const both = realm.token({
      sub: 'b1',
      realm_access: { roles: ['citizen', 'case_worker'] },
      organization: ['timra'],
      personnummer: '199001019802',
      acr: acrOf('loa4'),
    });
    await expect(attempt('citizensAndStaff', both, 'timra')).resolves.toBe('b1:citizen+case_worker');
    await expect(attempt('citizensAndStaff', both, 'ange')).resolves.toBe('b1:citizen');
    await expect(attempt('staffOnly', both, 'ange')).rejects.toThrow('You are not a member of');
  });

  it('refuses a citizen token whose personnummer is not a valid one', async () => {
    const bad = realm.token({ sub: 'c2', realm_access: { roles: ['citizen'] }, personnummer: '199001019801' });
    await expect(attempt('citizensAndStaff', bad, 'ange')).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'invalid_personnummer',
    });
  });
});
