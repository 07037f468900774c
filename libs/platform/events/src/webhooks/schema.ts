import type { DatabaseSchema } from '@kommuna/platform-persistence';
import { WebhookDeliveryEntity, WebhookEventEntity, WebhookHandOverEntity, WebhookSubscriptionEntity } from './entities';
import { Webhooks1767100000000 } from './migrations/1767100000000-webhooks';
import { WebhookEventLog1767960000000 } from './migrations/1767960000000-webhook-event-log';
import { WebhookDeliveryRetention1767970000000 } from './migrations/1767970000000-webhook-delivery-retention';
import { WebhookDeliveryHandOver1768100000000 } from './migrations/1768100000000-webhook-delivery-hand-over';

/** The webhook tables; @kommuna/services adds them to every process's schema. */
export const WEBHOOKS_DATABASE_SCHEMA: DatabaseSchema = {
  entities: [WebhookSubscriptionEntity, WebhookDeliveryEntity, WebhookEventEntity, WebhookHandOverEntity],
  migrations: [
    Webhooks1767100000000,
    WebhookEventLog1767960000000,
    WebhookDeliveryRetention1767970000000,
    WebhookDeliveryHandOver1768100000000,
  ],
};
