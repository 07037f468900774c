import * as path from 'node:path';
import { Minasidor, seedDemoCases } from '@kommuna/minasidor';
import { loadEFormsContent } from '@kommuna/e-forms';
import { TENANT_FILE_NAME } from '@kommuna/platform-tenancy';
import { servicesDir, validateServiceSettings } from '@kommuna/services';
import type { PlatformRuntime } from './platform-runtime';
import { loadCatalogueStartupContent } from './catalogue/catalogue-runtime';

/**
 * What the services load once the tenants are synced: content shipped in tenants/ (e.g. each
 * municipality's e-forms) and, outside production, demo data. Each step is idempotent, so a
 * restart changes nothing that is already there.
 */
export async function loadStartupContent(runtime: PlatformRuntime): Promise<void> {
  // Every service's tenant settings, by the services' own validation (the same call the worker and
  // tenants:validate make): a bad tenant.yaml stops start-up rather than a citizen's request.
  const tenants = runtime.tenants.all().map((t) => ({ file: path.join(runtime.config.tenantsDir, t.slug, TENANT_FILE_NAME), config: t.config }));
  validateServiceSettings(tenants, { tenantsDir: runtime.config.tenantsDir, servicesDir: servicesDir() });
  // Each municipality's forms (tenants/<slug>/forms/*.yaml), shared templates and adoptions.
  await loadEFormsContent({ database: runtime.database, tenants: runtime.tenants, tenantsDir: runtime.config.tenantsDir });
  // Demo cases for dev-idp's demo citizens, on `npm start` only (never in tests or production).
  if (runtime.config.env === 'development') await seedDemoCases(new Minasidor(runtime.database, runtime.tenants), runtime.tenants);
  // On `npm start`, demo usage for the catalogue (its service.yaml files were checked above).
  await loadCatalogueStartupContent(runtime);
}
