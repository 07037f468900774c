import type { Provider } from '@nestjs/common';
import { HomeCare, HOME_CARE_SERVICE } from '@kommuna/home-care';
import { ComposedServices } from '@kommuna/services';
import { HomeCareResolver } from './home-care.resolver';

/** Home care's GraphQL API for the app module: the process's one HomeCare (shared with its monthly job) and its resolver. */
export const HOME_CARE_PROVIDERS: Provider[] = [
  { provide: HomeCare, useFactory: (services: ComposedServices) => services.of(HOME_CARE_SERVICE).homeCare, inject: [ComposedServices] },
  HomeCareResolver,
];
