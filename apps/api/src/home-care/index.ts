import type { Provider } from '@nestjs/common';
import { HomeCare, HOME_CARE_SERVICE } from '@kommuna/home-care';
import { ComposedServices } from '@kommuna/services';
import { HomeCareImportController } from './home-care-import.controller';
import { HomeCareResolver } from './home-care.resolver';

export { registerHomeCareImportContentTypes } from './home-care-import.controller';

/** Home care's GraphQL API for the app module: the process's one HomeCare (shared with its monthly job) and its resolver. */
export const HOME_CARE_PROVIDERS: Provider[] = [
  { provide: HomeCare, useFactory: (services: ComposedServices) => services.of(HOME_CARE_SERVICE).homeCare, inject: [ComposedServices] },
  HomeCareResolver,
];

/** Home care's REST: the streamed file upload. */
export const HOME_CARE_CONTROLLERS = [HomeCareImportController];
