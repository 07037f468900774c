import { SetMetadata } from '@nestjs/common';
import { Role } from './principal';
import { ForbiddenError } from '@kommuna/shared-service-contracts';

export const ACCESS_RULE = 'kommuna:access-rule';

/** Who may reach an entry point. Every resolver and route carries one (docs/architecture.md#identity-and-access). */
export type AccessRule = { kind: 'public'; residentsAtLevel?: true } | { kind: 'roles'; roles: Role[]; anyAssurance?: true };

/** Anyone, without a token. */
export const Public = () => SetMetadata(ACCESS_RULE, { kind: 'public' } satisfies AccessRule);

/**
 * Anyone, without a token; but a resident who logs in to act in their own name here (e.g. submit a
 * form as themselves) needs the municipality's e-legitimation level, as at every citizen entry point.
 */
export const PublicResidentsAtLevel = () => SetMetadata(ACCESS_RULE, { kind: 'public', residentsAtLevel: true } satisfies AccessRule);

/**
 * A valid token holding one of `roles`. Staff and service-account roles also require membership
 * of the municipality the request addresses; citizens act in their own subject context.
 */
export const Allow = (...roles: [Role, ...Role[]]) => SetMetadata(ACCESS_RULE, { kind: 'roles', roles } satisfies AccessRule);

/**
 * Like Allow, but a resident gets through at any e-legitimation level: only for entry points that
 * show no resident's data (who am I), so a client can tell a resident which level to log in at.
 */
export const AllowAtAnyAssurance = (...roles: [Role, ...Role[]]) =>
  SetMetadata(ACCESS_RULE, { kind: 'roles', roles, anyAssurance: true } satisfies AccessRule);

/**
 * Roles of a resident acting as themselves, logged in with e-legitimation: an entry point they
 * reach through one of these needs the municipality's level (auth.citizenAssurance) in `acr`.
 */
export const CITIZEN_ROLES: readonly Role[] = ['citizen', 'company_representative'];

/** Roles held as a member of one municipality: only valid against that municipality. */
export const TENANT_SCOPED_ROLES: readonly Role[] = ['case_worker', 'tenant_admin', 'service_account'];

/** 403: authenticated, but not allowed here (the contract's one FORBIDDEN, exported here where the access rules are). */
export { ForbiddenError };

export function describeAccessRule(rule: AccessRule | undefined): string {
  if (!rule) return 'NO ACCESS RULE';
  if (rule.kind === 'public')
    return rule.residentsAtLevel ? 'public (residents who log in: at their municipality’s e-legitimation level)' : 'public';
  return `roles: ${[...rule.roles].sort().join(', ')}${rule.anyAssurance ? ' (residents at any e-legitimation level)' : ''}`;
}
