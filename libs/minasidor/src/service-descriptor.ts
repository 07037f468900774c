import type { ComposedService, ServiceDescriptor } from '@kommuna/platform-services';
import { MinasidorArchiveContributor } from './archive-contribution';
import { seedDemoCases } from './demo-seed';
import { RedisRepresentationCache } from './mina-ombud/cache';
import { Minasidor } from './minasidor';
import { MINASIDOR_DATABASE_SCHEMA } from './schema';
import { StatusLabels } from './status-labels';

export interface ComposedMinasidor extends ComposedService {
  /** The one Mina sidor of the process: the api's resolvers and the outbox handlers share it. */
  readonly minasidor: Minasidor;
}

/** Mina sidor as the platform composes it (@kommuna/services). */
export const MINASIDOR_SERVICE: ServiceDescriptor<ComposedMinasidor> = {
  id: 'minasidor',
  databaseSchema: MINASIDOR_DATABASE_SCHEMA,
  // Each municipality's status labels, parsed as Municipalities.labelsOf parses them for a request.
  validateTenantSettings(tenants) {
    for (const tenant of tenants) StatusLabels.fromSettings(tenant.config.slug, tenant.config.services.minasidor?.settings);
  },
  compose(runtime) {
    // Verified Mina ombud answers are shared by the replicas through Redis when there is one.
    const redisUrl = process.env.KOMMUNA_REDIS_URL;
    const minasidor = new Minasidor(
      runtime.database,
      runtime.tenants,
      runtime.parties,
      redisUrl ? { cache: new RedisRepresentationCache(redisUrl) } : {},
    );
    return {
      minasidor,
      eventHandlers: minasidor.eventHandlers(),
      // Its part of a closed case for the archive export: the timeline, decisions and messages.
      archive: new MinasidorArchiveContributor(minasidor.municipalities),
      // Demo cases for dev-idp's demo citizens, on `npm start` only (never in tests or production).
      loadStartupContent: async () => {
        if (runtime.env === 'development') await seedDemoCases(minasidor, runtime.tenants);
      },
    };
  },
};
