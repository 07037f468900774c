import { allKommuner, generateTestPersonnummer } from '@kommuna/shared-identifiers';
import { requestContext, TenantConfig, TenantConfigInput, TenantConfigSchema } from '@kommuna/platform-tenancy';
import { Database, Tenant, TenantDirectory } from '@kommuna/platform-persistence';

let sequence = 0;

/** A valid tenant.yaml content for a real municipality, with overrides. */
export function buildTenantConfig(overrides: Partial<TenantConfigInput> = {}): TenantConfig {
  const kommun = allKommuner()[sequence++ % 290];
  const slug = overrides.slug ?? `test-${kommun.kod}`;
  return TenantConfigSchema.parse({
    slug,
    kommunkod: kommun.kod,
    // 212000-0142 is a real municipal organisationsnummer; tests only need a valid one.
    organisationsnummer: '212000-0142',
    names: { sv: `${kommun.namn} kommun`, en: `Municipality of ${kommun.namn}` },
    contact: { email: `info@${slug}.example.se` },
    auth: { organization: slug },
    services: { 'e-forms': { stage: 'production' } },
    ...overrides,
  });
}

/** Creates tenants in the database (as start-up would) and returns them in the given order. */
export async function createTestTenants(database: Database, ...configs: Array<Partial<TenantConfigInput>>): Promise<Tenant[]> {
  return new TenantDirectory(database).sync(configs.map((c) => buildTenantConfig(c)));
}

/** A valid test personnummer (Skatteverket's test range), different for each index. */
export function testPersonnummer(index: number): string {
  return generateTestPersonnummer(index);
}

/** Runs `work` in a request addressed to `tenant`, as the api runs one: row-level security then sees only its rows. */
export const inTenant = <T>(tenant: Tenant, work: () => Promise<T>): Promise<T> =>
  requestContext.run({ requestId: 'test', tenantId: tenant.id, tenantSlug: tenant.slug }, work);
