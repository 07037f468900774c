import * as path from 'node:path';
import type { ComposedService, ServiceDescriptor, ServiceRuntime } from '@kommuna/platform-services';
import { TENANT_FILE_NAME } from '@kommuna/platform-tenancy';
import { CatalogueService } from './catalogue.service';
import { seedDemoCatalogue } from './demo-seed';
import { loadServiceCatalogue } from './descriptor/service-descriptor.loader';
import { CatalogueMeteringHandler } from './metering/metering-handler';
import { ServiceProposals } from './proposals/proposals';
import { CATALOGUE_DATABASE_SCHEMA } from './schema';

export interface ComposedCatalogue extends ComposedService {
  /**
   * The process's catalogue, loaded on first use: every service.yaml validated against the tenants
   * (a broken descriptor stops start-up, naming the file and field, as a broken tenant.yaml does).
   */
  catalogue(): CatalogueService;
  /** Proposals for shared services (to build, to procure, or a member's own to share) and their decisions. */
  proposals(): ServiceProposals;
}

function loadedTenants(runtime: ServiceRuntime) {
  return runtime.tenants.all().map((t) => ({ file: path.join(runtime.tenantsDir, t.slug, TENANT_FILE_NAME), config: t.config }));
}

/** The service catalogue as the platform composes it (@kommuna/services). */
export const CATALOGUE_SERVICE: ServiceDescriptor<ComposedCatalogue> = {
  id: 'catalogue',
  databaseSchema: CATALOGUE_DATABASE_SCHEMA,
  // Every library's service.yaml checked against the tenants, as the api's catalogue loads them.
  validateTenantSettings(tenants, context) {
    loadServiceCatalogue(context.servicesDir, [...tenants]);
  },
  compose(runtime) {
    let catalogue: CatalogueService | undefined;
    const catalogueOf = () =>
      (catalogue ??= new CatalogueService(
        runtime.database,
        runtime.tenants,
        loadServiceCatalogue(runtime.servicesDir, loadedTenants(runtime)),
      ));
    const proposals = new ServiceProposals(runtime.database, runtime.tenants);
    return {
      catalogue: catalogueOf,
      proposals: () => proposals,
      // Usage per service, municipality and month, from the services' own events.
      eventHandlers: [new CatalogueMeteringHandler()],
      // Loads (and so validates) the catalogue; on `npm start`, seeds demo figures.
      loadStartupContent: async () => {
        const loaded = catalogueOf();
        if (runtime.env === 'development')
          await seedDemoCatalogue(runtime.database, runtime.tenants, loaded.catalogueEntries(), runtime.tenantsDir);
      },
    };
  },
};
