import type { EventHandler } from '@kommuna/platform-events';
import { CaseNotificationHandler, DeliveryMetricsHandler } from '@kommuna/digital-mail';
import { Minasidor } from '@kommuna/minasidor';
import type { PlatformRuntime } from './platform-runtime';
import { catalogueEventHandlers } from './catalogue/catalogue-runtime';

/**
 * Every service's outbox consumers. The worker runs them; on the embedded database (one
 * process can hold a PGlite folder) the api runs them itself, see embedded-worker.ts.
 */
export function serviceEventHandlers(runtime: PlatformRuntime): EventHandler[] {
  return [
    ...new Minasidor(runtime.database, runtime.tenants).eventHandlers(),
    new CaseNotificationHandler(runtime.tenants),
    new DeliveryMetricsHandler(),
    ...catalogueEventHandlers(),
  ];
}
