import { Minasidor, seedDemoCases } from '@kommuna/minasidor';
import { validateDigitalMailSettings } from '@kommuna/digital-mail';
import { loadEFormsContent } from '@kommuna/e-forms';
import type { PlatformRuntime } from './platform-runtime';
import { loadCatalogueStartupContent } from './catalogue/catalogue-runtime';

/**
 * What the services load once the tenants are synced: content shipped in tenants/ (e.g. each
 * municipality's e-forms) and, outside production, demo data. Each step is idempotent, so a
 * restart changes nothing that is already there.
 */
export async function loadStartupContent(runtime: PlatformRuntime): Promise<void> {
  const minasidor = new Minasidor(runtime.database, runtime.tenants);
  // A tenant.yaml with bad Mina sidor settings stops start-up rather than a citizen's request.
  minasidor.municipalities.validateAll();
  validateDigitalMailSettings(runtime.tenants.all());
  // Each municipality's forms (tenants/<slug>/forms/*.yaml), shared templates and adoptions.
  await loadEFormsContent({ database: runtime.database, tenants: runtime.tenants, tenantsDir: runtime.config.tenantsDir });
  // Demo cases for dev-idp's demo citizens, on `npm start` only (never in tests or production).
  if (runtime.config.env === 'development') await seedDemoCases(minasidor, runtime.tenants);
  // Every service.yaml validated against the tenants; on `npm start`, demo usage for the catalogue.
  await loadCatalogueStartupContent(runtime);
}
