import type { ServiceDescriptor } from '@kommuna/platform-services';
import { validateHomeCareSettings } from './settings';

/**
 * Home-care hours follow-up as the platform composes it (@kommuna/services lists it once). As the service
 * grows, its descriptor says so: databaseSchema (entities and migrations), and from compose(runtime)
 * its objects, eventHandlers, backgroundTasks and loadStartupContent (docs/architecture.md#services-manifest).
 * Its GraphQL and REST modules go in apps/api/src/home-care/, listed in apps/api's app.module.ts.
 */
export const HOME_CARE_SERVICE: ServiceDescriptor = {
  id: 'home-care',
  validateTenantSettings(tenants) {
    validateHomeCareSettings(tenants);
  },
  compose: () => ({}),
};
