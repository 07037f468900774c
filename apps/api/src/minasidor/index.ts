import type { Provider } from '@nestjs/common';
import { Minasidor, MINASIDOR_SERVICE } from '@kommuna/minasidor';
import { ComposedServices } from '@kommuna/services';
import { MinasidorCitizenResolver, MinasidorStaffResolver, MinasidorSystemResolver } from './minasidor.resolvers';
import { MinasidorStaffMessagesResolver } from './staff-messages.resolver';

/** Mina sidor's GraphQL API for the app module: the service and its resolvers. */
export const MINASIDOR_PROVIDERS: Provider[] = [
  // The process's one Mina sidor, shared with its outbox handlers.
  { provide: Minasidor, useFactory: (services: ComposedServices) => services.of(MINASIDOR_SERVICE).minasidor, inject: [ComposedServices] },
  MinasidorCitizenResolver,
  MinasidorStaffResolver,
  MinasidorStaffMessagesResolver,
  MinasidorSystemResolver,
];
