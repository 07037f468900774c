import type { Provider } from '@nestjs/common';
import { Database, TenantDirectory } from '@kommuna/platform-persistence';
import { Minasidor } from '@kommuna/minasidor';
import { MinasidorCitizenResolver, MinasidorStaffResolver, MinasidorSystemResolver } from './minasidor.resolvers';

/** Mina sidor's GraphQL API for the app module: the service and its resolvers. */
export const MINASIDOR_PROVIDERS: Provider[] = [
  { provide: Minasidor, useFactory: (database: Database, tenants: TenantDirectory) => new Minasidor(database, tenants), inject: [Database, TenantDirectory] },
  MinasidorCitizenResolver,
  MinasidorStaffResolver,
  MinasidorSystemResolver,
];
