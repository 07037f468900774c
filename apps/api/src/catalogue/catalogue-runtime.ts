import * as path from 'node:path';
import { CatalogueMeteringHandler, CatalogueService, loadServiceCatalogue, seedDemoCatalogue } from '@kommuna/catalogue';
import { TENANT_FILE_NAME } from '@kommuna/platform-tenancy';
import { servicesDir } from '@kommuna/services';
import type { PlatformRuntime } from '../platform-runtime';

const services = new WeakMap<PlatformRuntime, CatalogueService>();

/**
 * The runtime's catalogue, loaded once: every service.yaml validated against the tenants (a broken
 * descriptor stops start-up, naming the file and field, as a broken tenant.yaml does).
 */
export function catalogueOf(runtime: PlatformRuntime): CatalogueService {
  let catalogue = services.get(runtime);
  if (!catalogue) {
    const tenants = runtime.tenants.all().map((t) => ({ file: path.join(runtime.config.tenantsDir, t.slug, TENANT_FILE_NAME), config: t.config }));
    catalogue = new CatalogueService(runtime.database, runtime.tenants, loadServiceCatalogue(servicesDir(), tenants));
    services.set(runtime, catalogue);
  }
  return catalogue;
}

/** Start-up: load (and so validate) the catalogue; in development (`npm start`), seed demo figures. */
export async function loadCatalogueStartupContent(runtime: PlatformRuntime): Promise<void> {
  const catalogue = catalogueOf(runtime);
  if (runtime.config.env === 'development') await seedDemoCatalogue(runtime.database, runtime.tenants, catalogue.catalogueEntries());
}

export function catalogueEventHandlers(): CatalogueMeteringHandler[] {
  return [new CatalogueMeteringHandler()];
}
