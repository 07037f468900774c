import type { ComposedService, ServiceDescriptor } from '@kommuna/platform-services';
import { HomeCare } from './home-care';
import { HOME_CARE_DATABASE_SCHEMA } from './schema';
import { validateHomeCareSettings } from './settings';

export interface ComposedHomeCare extends ComposedService {
  /** The process's one HomeCare: the api's resolvers and the monthly job share it. */
  readonly homeCare: HomeCare;
}

/**
 * Home-care hours follow-up as the platform composes it (@kommuna/services lists it once): its
 * tables, and the monthly check as a background task of the worker (and of the api on the
 * embedded database). Its GraphQL API is apps/api/src/home-care/.
 */
export const HOME_CARE_SERVICE: ServiceDescriptor<ComposedHomeCare> = {
  id: 'home-care',
  databaseSchema: HOME_CARE_DATABASE_SCHEMA,
  validateTenantSettings(tenants) {
    validateHomeCareSettings(tenants);
  },
  compose(runtime) {
    const homeCare = new HomeCare(runtime.database, runtime.tenants);
    return {
      homeCare,
      backgroundTasks: ({ onError }) => homeCare.backgroundTasks({ onError }),
    };
  },
};
