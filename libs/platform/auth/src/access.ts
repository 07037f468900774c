import { SetMetadata } from '@nestjs/common';
import { Role } from './principal';
import { KommunaError } from '@kommuna/shared-service-contracts';

export const ACCESS_RULE = 'kommuna:access-rule';

/** Who may reach an entry point. Every resolver and route carries one (docs/architecture.md#identity-and-access). */
export type AccessRule = { kind: 'public' } | { kind: 'roles'; roles: Role[] };

/** Anyone, without a token. */
export const Public = () => SetMetadata(ACCESS_RULE, { kind: 'public' } satisfies AccessRule);

/**
 * A valid token holding one of `roles`. Staff and service-account roles also require membership
 * of the municipality the request addresses; citizens act in their own subject context.
 */
export const Allow = (...roles: [Role, ...Role[]]) => SetMetadata(ACCESS_RULE, { kind: 'roles', roles } satisfies AccessRule);

/** Roles held as a member of one municipality: only valid against that municipality. */
export const TENANT_SCOPED_ROLES: readonly Role[] = ['case_worker', 'tenant_admin', 'service_account'];

/** 403: authenticated, but not allowed here. */
export class ForbiddenError extends KommunaError {
  readonly code = 'FORBIDDEN';
  readonly status = 403;
}

export function describeAccessRule(rule: AccessRule | undefined): string {
  if (!rule) return 'NO ACCESS RULE';
  return rule.kind === 'public' ? 'public' : `roles: ${[...rule.roles].sort().join(', ')}`;
}
