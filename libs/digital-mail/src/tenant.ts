import type { Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';

/** The tenant of the current context (the api sets it per request, the worker per tenant). */
export function currentTenant(directory: TenantDirectory): Tenant {
  const tenantId = requestContext.tenantId();
  const tenant = directory.all().find((t) => t.id === tenantId);
  if (!tenant) throw new Error(`Tenant ${tenantId} is not in the directory`);
  return tenant;
}
