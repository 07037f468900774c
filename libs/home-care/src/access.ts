import { auditActor } from '@kommuna/platform-audit';
import { Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { HomeCareForbiddenError, HomeCareRequestError } from './errors';
import { HomeCareSettings, homeCareSettingsOf } from './settings';

/**
 * Who asks, as the api hands it over from the verified token: a municipality's staff member (with
 * the unit claim), a municipal system's service account, the steering group, or the platform's own job.
 */
export type HomeCareActor =
  | { kind: 'staff'; subject: string; unit?: string }
  | { kind: 'service'; clientId: string }
  | { kind: 'steering_group'; subject: string }
  | { kind: 'system'; name: string };

/** The municipality of the current unit of work (the api and the job set it). */
export function currentTenant(tenants: TenantDirectory): Tenant {
  const id = requestContext.tenantId();
  const tenant = tenants.all().find((t) => t.id === id);
  if (!tenant) throw new HomeCareRequestError('No such municipality');
  return tenant;
}

/**
 * The secrecy rules in one place (OSL 26 kap.): residents' data reaches only case workers of the
 * units the municipality's tenant.yaml names responsible for home care; municipal systems may send
 * files; the steering group reads sums across members, never a resident. Row-level security keeps
 * every other municipality's rows out whatever is asked.
 */
export class HomeCareGate {
  settingsOf(tenant: Tenant): HomeCareSettings {
    const settings = homeCareSettingsOf(tenant.config);
    if (!settings) throw new HomeCareForbiddenError(`${tenant.names.en} does not use home-care follow-up`);
    return settings;
  }

  /** Resident-level results: the responsible unit's case workers only. */
  assertMayReadResidents(actor: HomeCareActor, tenant: Tenant): void {
    const settings = this.settingsOf(tenant);
    if (actor.kind === 'staff' && actor.unit && settings.responsibleUnits.includes(actor.unit)) return;
    throw new HomeCareForbiddenError("Only the municipality's unit responsible for home care sees residents' data");
  }

  /** Files come from the municipality's systems or its responsible unit. */
  assertMayImport(actor: HomeCareActor, tenant: Tenant): void {
    const settings = this.settingsOf(tenant);
    if (actor.kind === 'service' || actor.kind === 'system') return;
    if (actor.kind === 'staff' && actor.unit && settings.responsibleUnits.includes(actor.unit)) return;
    throw new HomeCareForbiddenError("Only the municipality's systems and its unit responsible for home care import files");
  }

  /** Sums across the members: the steering group (and the platform's own job). */
  assertMayReadAggregates(actor: HomeCareActor): void {
    if (actor.kind === 'steering_group' || actor.kind === 'system') return;
    throw new HomeCareForbiddenError('Only the steering group reads the follow-up across municipalities');
  }

  actorName(actor: HomeCareActor): string {
    switch (actor.kind) {
      case 'staff':
      case 'steering_group':
        return auditActor.staff(actor.subject);
      case 'service':
        return auditActor.service(actor.clientId);
      case 'system':
        return auditActor.system(actor.name);
    }
  }
}
