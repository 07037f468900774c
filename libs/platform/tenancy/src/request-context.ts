import { AsyncLocalStorage } from 'node:async_hooks';
import { KommunaError } from '@kommuna/shared-service-contracts';

/**
 * Who a unit of work acts for. A tenant context (a municipality) scopes staff and system work;
 * a subject context (a citizen's or company's party id) scopes a citizen's own data across all
 * member municipalities (docs/architecture.md#tenancy). Both may be set: a citizen using one municipality's service.
 */
export interface RequestScope {
  readonly requestId?: string;
  readonly tenantId?: string;
  readonly tenantSlug?: string;
  readonly subjectId?: string;
  /** The addressed municipality is suspended: units of work run read-only. */
  readonly readOnly?: boolean;
}

export class TenantContextMissingError extends KommunaError {
  readonly code = 'TENANT_CONTEXT_MISSING';
  readonly status = 400;
  override readonly exposeMessage = false;
  constructor(readonly what = 'a tenant') {
    super(`This work needs ${what} context and none is set: run it inside requestContext.run(...)`);
  }
}

const storage = new AsyncLocalStorage<RequestScope>();

export const requestContext = {
  /** Runs `work` with `scope` as the current context (nested calls see the innermost scope). */
  run<T>(scope: RequestScope, work: () => T): T {
    return storage.run(Object.freeze({ ...scope }), work);
  },

  /** Runs `work` inside the current scope extended with `extra` (e.g. the tenant once resolved). */
  extend<T>(extra: Partial<RequestScope>, work: () => T): T {
    return storage.run(Object.freeze({ ...storage.getStore(), ...extra }), work);
  },

  /** The current scope, or undefined outside any context (for logging, which must never throw). */
  peek(): RequestScope | undefined {
    return storage.getStore();
  },

  /** The current tenant id; throws when no tenant context is set. */
  tenantId(): string {
    const tenantId = storage.getStore()?.tenantId;
    if (!tenantId) throw new TenantContextMissingError();
    return tenantId;
  },

  /** The current subject (party) id; throws when no subject context is set. */
  subjectId(): string {
    const subjectId = storage.getStore()?.subjectId;
    if (!subjectId) throw new TenantContextMissingError('a subject');
    return subjectId;
  },
};
