import type { Principal, Role } from '@kommuna/platform-auth';
import { Tenant, TenantDirectory, UnknownTenantError } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { EFormsError } from './errors';

/** The municipality the request addresses, which must use e-forms. */
export function addressedTenant(tenants: TenantDirectory): Tenant {
  const scope = requestContext.peek();
  if (!scope?.tenantId) {
    if (scope?.tenantSlug) throw new UnknownTenantError(scope.tenantSlug);
    throw new EFormsError('TENANT_REQUIRED', 'Name the municipality whose e-service you use: the X-Kommuna-Tenant header or its host name');
  }
  const tenant = tenants.all().find((t) => t.id === scope.tenantId);
  if (!tenant) throw new UnknownTenantError(scope.tenantSlug ?? scope.tenantId);
  if (!tenant.enabledServices.includes('e-forms')) {
    throw new EFormsError('E_FORMS_NOT_ENABLED', `${tenant.names.en} does not offer e-services through Kommuna`);
  }
  return tenant;
}

/** The caller's party id (subject context), if they are logged in as a citizen or company representative. */
export function currentSubject(): string | null {
  return requestContext.peek()?.subjectId ?? null;
}

/** The service's own access check (the api's guard has already checked the role and the municipality). */
export function requireRole(principal: Principal, ...roles: Role[]): void {
  if (!principal.roles.some((role) => roles.includes(role))) {
    throw new EFormsError('FORBIDDEN', `This needs one of the roles ${roles.join(', ')}`);
  }
}

/** "1.2" → { major: 1, minor: 2 }. */
export function parseVersion(version: string): { major: number; minor: number } {
  const match = /^(\d{1,4})\.(\d{1,4})$/.exec(version);
  if (!match || Number(match[1]) < 1)
    throw new EFormsError('VALIDATION_FAILED', `"${version}" is not a form version (major.minor, e.g. 1.0)`);
  return { major: Number(match[1]), minor: Number(match[2]) };
}

export const formatVersion = (v: { major: number; minor: number }): string => `${v.major}.${v.minor}`;

const SLUG = /^[a-z][a-z0-9-]{1,59}$/;
export function checkSlug(slug: string, what = 'form slug'): string {
  if (!SLUG.test(slug))
    throw new EFormsError('VALIDATION_FAILED', `"${slug.slice(0, 80)}" is not a valid ${what} (a-z, 0-9, dashes, 2-60 characters)`);
  return slug;
}

/** Whether a database error is a unique violation (optionally of one named constraint or index). */
export function isUniqueViolation(error: unknown, name?: string): boolean {
  const e = error as {
    code?: string;
    constraint?: string;
    driverError?: { code?: string; constraint?: string; message?: string };
    message?: string;
  };
  const code = e?.driverError?.code ?? e?.code;
  if (code !== '23505') return false;
  if (!name) return true;
  const constraint = e?.driverError?.constraint ?? e?.constraint ?? '';
  return constraint === name || String(e?.driverError?.message ?? e?.message ?? '').includes(name);
}
