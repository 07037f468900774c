import * as path from 'node:path';
import { CATALOGUE_SERVICE } from '@kommuna/catalogue';
import { DIGITAL_MAIL_SERVICE } from '@kommuna/digital-mail';
import { E_FORMS_SERVICE } from '@kommuna/e-forms';
import { MINASIDOR_SERVICE } from '@kommuna/minasidor';
import { ServiceDescriptor, TenantSettingsContext, validateServicesTenantSettings } from '@kommuna/platform-services';
import { LoadedTenantConfig, loadTenantConfigs } from '@kommuna/platform-tenancy';

/**
 * The shared services, listed once. A library of its own rather than a file in apps/api: the api,
 * the worker and tools (tenants:validate) all take the list, apps may not import one another, and
 * a platform library may not import the services.
 */
export const SERVICES: readonly ServiceDescriptor[] = [DIGITAL_MAIL_SERVICE, E_FORMS_SERVICE, MINASIDOR_SERVICE, CATALOGUE_SERVICE];

/**
 * Where the service libraries' service.yaml, package.json and CHANGELOG.md are: KOMMUNA_SERVICES_DIR,
 * else libs/ beside this library (the repository's, or dist/libs/ where `npm run build` copies them).
 */
export function servicesDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.KOMMUNA_SERVICES_DIR ?? path.join(__dirname, '../..'));
}

/** Every service's own tenant-settings validation; throws ServiceSettingsError listing each failing service. */
export function validateServiceSettings(tenants: readonly LoadedTenantConfig[], context: TenantSettingsContext): void {
  validateServicesTenantSettings(SERVICES, tenants, context);
}

/**
 * The tenant files as start-up and CI accept them: each tenant.yaml against the platform's schema,
 * then every service's settings. Reads files only, so it runs before any database is opened.
 */
export function loadValidatedTenants(tenantsDir: string, options: { servicesDir?: string } = {}): LoadedTenantConfig[] {
  const tenants = loadTenantConfigs(tenantsDir);
  validateServiceSettings(tenants, { tenantsDir, servicesDir: options.servicesDir ?? servicesDir() });
  return tenants;
}
