import type { LoadedTenantConfig, ServiceId } from '@kommuna/platform-tenancy';

/** The files a service's tenant settings may refer to. Files only: validation never needs a database. */
export interface TenantSettingsContext {
  /** tenants/: each municipality's tenant.yaml and its content (e.g. forms/). */
  tenantsDir: string;
  /** libs/: each service library's service.yaml, package.json and CHANGELOG.md. */
  servicesDir: string;
}

/**
 * What a shared service tells the platform about itself. Each service library exports one; the
 * composition library (@kommuna/services) lists them once, and the api, the worker and
 * `npm run tenants:validate` take the services from that list.
 */
export interface ServiceDescriptor {
  readonly id: ServiceId;
  /**
   * Checks the service's part of every tenant.yaml (services.<id>.settings) and the tenant content
   * those settings refer to; throws an Error whose message names the file and the field. The api
   * and the worker run it at start-up, tenants:validate in CI: the same function in all three.
   */
  validateTenantSettings(tenants: readonly LoadedTenantConfig[], context: TenantSettingsContext): void;
}

export interface ServiceSettingsFailure {
  service: ServiceId;
  message: string;
}

/** Start-up and CI stop on this; it lists every service whose settings failed, each in its own words. */
export class ServiceSettingsError extends Error {
  readonly code = 'SERVICE_SETTINGS_INVALID';
  constructor(readonly failures: ServiceSettingsFailure[]) {
    super(
      `Tenant settings are invalid for ${failures.length} service${failures.length === 1 ? '' : 's'}:\n` +
        failures.map((f) => `  ${f.service}: ${f.message.replace(/\n/g, '\n    ')}`).join('\n'),
    );
  }
}

/**
 * Runs every service's own settings validation and reports all failing services at once (one
 * broken service does not hide another's problem). Each service's validation throws its own error
 * type (some a plain Error), so any Error is taken as that service's failure.
 */
export function validateServicesTenantSettings(
  services: readonly ServiceDescriptor[],
  tenants: readonly LoadedTenantConfig[],
  context: TenantSettingsContext,
): void {
  const failures: ServiceSettingsFailure[] = [];
  for (const service of services) {
    try {
      service.validateTenantSettings(tenants, context);
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      failures.push({ service: service.id, message: error.message });
    }
  }
  if (failures.length > 0) throw new ServiceSettingsError(failures);
}
