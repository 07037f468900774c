import type { ServiceDescriptor } from '@kommuna/platform-services';
import { validateRulesSettings } from './settings';

/**
 * Rules and proactive processes as the platform composes it (@kommuna/services lists it once). As the service
 * grows, its descriptor says so: databaseSchema (entities and migrations), and from compose(runtime)
 * its objects, eventHandlers, backgroundTasks and loadStartupContent (docs/architecture.md#services-manifest).
 * Its GraphQL and REST modules go in apps/api/src/rules/, listed in apps/api's app.module.ts.
 */
export const RULES_SERVICE: ServiceDescriptor = {
  id: 'rules',
  validateTenantSettings(tenants) {
    validateRulesSettings(tenants);
  },
  compose: () => ({}),
};
