import { ForbiddenError, Principal } from '@kommuna/platform-auth';
import { MailScope, Sender, unitScope, WHOLE_MUNICIPALITY } from '@kommuna/digital-mail';

/** Who sends: a municipal system (service account, by client id) or a staff user (token subject). */
export const senderOf = (principal: Principal): Sender =>
  principal.roles.includes('service_account') && !principal.roles.some((r) => r === 'case_worker' || r === 'tenant_admin')
    ? { kind: 'system', id: principal.clientId ?? principal.subject }
    : { kind: 'user', id: principal.subject };

/*
 * Unit secrecy, by the rules cases follow (Mina sidor, e-forms): a case worker acts for their own
 * unit only (no unit: nothing), whatever other role they also hold; a municipal system writes
 * for every unit of its municipality; a tenant admin reads no case, so no letter either, but
 * administers every unit's templates; the steering group and tenant admins count every unit.
 */

/** Letters and bulk sends: read, listed and sent by case workers (their unit) and municipal systems. */
export function letterScopeOf(principal: Principal): MailScope {
  if (principal.roles.includes('case_worker')) return unitScope(principal.unit);
  if (principal.roles.includes('service_account')) return WHOLE_MUNICIPALITY;
  throw new ForbiddenError("Letters are read and sent by the unit's case workers and the municipality's systems");
}

/** Templates: a tenant admin's are every unit's; a case worker uses their unit's and the shared ones. */
export function templateScopeOf(principal: Principal): MailScope {
  if (principal.roles.includes('tenant_admin') || principal.roles.includes('service_account')) return WHOLE_MUNICIPALITY;
  return unitScope(principal.unit);
}

/** Statistics (counts only): the whole municipality for tenant admins and the steering group, a case worker's own unit. */
export function statisticsScopeOf(principal: Principal): MailScope {
  if (principal.roles.includes('tenant_admin') || principal.roles.includes('steering_group')) return WHOLE_MUNICIPALITY;
  return unitScope(principal.unit);
}

export const toRecord = (pairs: Array<{ key: string; value: string }> | undefined | null): Record<string, string> | undefined =>
  pairs ? Object.fromEntries(pairs.map((p) => [p.key, p.value])) : undefined;

export const toPairs = (record: Record<string, string>): Array<{ key: string; value: string }> =>
  Object.entries(record).map(([key, value]) => ({ key, value }));
