import type { ComposedService, ServiceDescriptor } from '@kommuna/platform-services';
import { CaseNotificationHandler } from './case-notifications';
import { DeliveryMetricsHandler } from './delivery-metrics';
import { MessageService } from './message.service';
import { RuleLetterHandler } from './rule-letters';
import { digitalMailBackgroundTasks } from './pipeline/background';
import { DIGITAL_MAIL_DATABASE_SCHEMA } from './schema';
import { validateDigitalMailSettings } from './settings';

export interface ComposedDigitalMail extends ComposedService {
  /** Accepting and reading letters, on the process's party register. */
  readonly messages: MessageService;
}

/** Digital mail as the platform composes it (@kommuna/services). */
export const DIGITAL_MAIL_SERVICE: ServiceDescriptor<ComposedDigitalMail> = {
  id: 'digital-mail',
  databaseSchema: DIGITAL_MAIL_DATABASE_SCHEMA,
  validateTenantSettings(tenants) {
    validateDigitalMailSettings(tenants.map((t) => ({ slug: t.config.slug, config: t.config })));
  },
  compose(runtime) {
    return {
      messages: new MessageService(runtime.database, runtime.tenants, runtime.parties),
      // Case notices from Mina sidor's events; letters municipalities' rules ask for; delivery status counted for /metrics.
      eventHandlers: [new CaseNotificationHandler(runtime.tenants), new RuleLetterHandler(runtime.tenants), new DeliveryMetricsHandler()],
      // Deliveries (each claimed under a lease) and the retention purge.
      backgroundTasks: ({ settings = {}, onError }) =>
        digitalMailBackgroundTasks(runtime.database, runtime.tenants, {
          onError,
          parties: runtime.parties,
          leaseMs: settings.deliveryLeaseMs,
          deliveryIntervalMs: settings.deliveryIntervalMs,
          purgeIntervalMs: settings.retentionIntervalMs,
        }),
    };
  },
};
