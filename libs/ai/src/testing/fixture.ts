import { AUDIT_DATABASE_SCHEMA } from '@kommuna/platform-audit';
import { Database, DatabaseSchema, PLATFORM_DATABASE_SCHEMA, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { buildTenantConfig, inTenant } from '@kommuna/platform-testing';
import { AI_DATABASE_SCHEMA, AiPlatform, CaseMaterial, CaseSource, ModelRegistration, StaffMember } from '../index';
import { AiNotFoundError } from '../errors';

export const SCHEMA: DatabaseSchema = {
  entities: [
    ...(PLATFORM_DATABASE_SCHEMA.entities as []),
    ...(AUDIT_DATABASE_SCHEMA.entities as []),
    ...(AI_DATABASE_SCHEMA.entities as []),
  ],
  migrations: [...PLATFORM_DATABASE_SCHEMA.migrations, ...AUDIT_DATABASE_SCHEMA.migrations, ...AI_DATABASE_SCHEMA.migrations],
};

export interface World {
  ai: AiPlatform;
  sundsvall: Tenant;
  timra: Tenant;
}

/** Sundsvall classifies its units (socialtjanst secret, bygg internal); Timrå keeps the defaults. */
export async function createWorld(db: Database): Promise<World> {
  const directory = new TenantDirectory(db);
  const [sundsvall, timra] = await directory.sync([
    buildTenantConfig({
      slug: 'sundsvall',
      services: { ai: { stage: 'piloting', settings: { caseClassByUnit: { socialtjanst: 'sekretess', bygg: 'intern' } } } },
    }),
    buildTenantConfig({ slug: 'timra' }),
  ]);
  // Short timeouts: a fault test waits for at most three of them.
  return { ai: new AiPlatform(db, directory, { timeoutMs: 2000, attempts: 3, env: { SIM_KEY: 'sim-secret' } }), sundsvall, timra };
}

// Specs take it from here with the rest of the fixture.
export { inTenant };

export const model = (baseUrl: string, overrides: Partial<ModelRegistration> = {}): ModelRegistration => ({
  name: 'llama-sundsvall',
  capability: 'chat',
  baseUrl,
  providerModel: 'meta-llama/Llama-3.3-70B-Instruct',
  processor: 'Sundsvalls kommun (egen drift)',
  hostingCountry: 'SE',
  clearedFor: 'sekretess',
  credentialRef: 'env:SIM_KEY',
  ...overrides,
});

/**
 * Cases held in memory, read as a case service reads them for staff: only the unit's own, any
 * other answered as not found. (The api wires Mina sidor's staff view; its test covers that.)
 */
export class CasesInMemory implements CaseSource {
  readonly reads: Array<{ staff: StaffMember; caseId: string }> = [];
  constructor(private readonly cases: Map<string, CaseMaterial & { tenantId: string }>) {}

  async read(staff: StaffMember, caseId: string): Promise<CaseMaterial> {
    const found = this.cases.get(caseId);
    if (!found || found.unit !== staff.unit || found.tenantId !== requestContext.tenantId()) throw new AiNotFoundError('case');
    this.reads.push({ staff, caseId });
    return found;
  }
}

export async function auditActions(
  db: Database,
  tenant: Tenant,
): Promise<Array<{ action: string; actor: string; details: Record<string, unknown> }>> {
  return inTenant(tenant, () =>
    db.transaction((em) => em.query(`SELECT action, actor, details FROM audit_log WHERE tenant_id = $1 ORDER BY seq`, [tenant.id])),
  );
}

/** The municipality's outbox events of one type, oldest first. */
export async function outboxEvents(
  db: Database,
  tenant: Tenant,
  type: string,
): Promise<Array<{ subject: string; data: Record<string, unknown> }>> {
  return inTenant(tenant, () =>
    db.transaction((em) =>
      em.query(`SELECT subject, data FROM outbox_event WHERE tenant_id = $1 AND type = $2 ORDER BY occurred_at, id`, [tenant.id, type]),
    ),
  );
}
