import type { ServiceDescriptor } from '@kommuna/platform-services';
import { loadServiceCatalogue } from './descriptor/service-descriptor.loader';

/** The service catalogue as the platform composes it (@kommuna/services). */
export const CATALOGUE_SERVICE: ServiceDescriptor = {
  id: 'catalogue',
  // Every library's service.yaml checked against the tenants, as the api's catalogue loads them.
  validateTenantSettings(tenants, context) {
    loadServiceCatalogue(context.servicesDir, [...tenants]);
  },
};
