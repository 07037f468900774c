import type { EventHandler, OutboxEvent } from '@kommuna/platform-events';
import { platformMetrics } from '@kommuna/platform-metrics';
import { EVENT_TYPES, MailDeliveryStatusChangedData } from '@kommuna/shared-service-contracts';

/**
 * Counts delivery status changes for /metrics (kommuna_mail_deliveries_total) from the committed
 * status events, so a rolled-back step is never counted.
 */
export class DeliveryMetricsHandler implements EventHandler {
  readonly name = 'digital-mail-metrics';
  readonly types = [EVENT_TYPES.mailDeliveryStatusChanged];

  async handle(event: OutboxEvent<MailDeliveryStatusChangedData>): Promise<void> {
    platformMetrics.mailDeliveries.inc({
      tenant: platformMetrics.tenantLabel(event.tenantId),
      status: event.data.status,
      channel: event.data.channel ?? 'none',
    });
  }
}
