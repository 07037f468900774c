import type { DatabaseSchema } from '@kommuna/platform-persistence';
import { WebhookDeliveryEntity, WebhookEventEntity, WebhookSubscriptionEntity } from './entities';
import { Webhooks1767100000000 } from './migrations/1767100000000-webhooks';
import { WebhookEventLog1767960000000 } from './migrations/1767960000000-webhook-event-log';
import { WebhookDeliveryRetention1767970000000 } from './migrations/1767970000000-webhook-delivery-retention';

/** The webhook tables; @kommuna/services adds them to every process's schema. */
export const WEBHOOKS_DATABASE_SCHEMA: DatabaseSchema = {
  entities: [WebhookSubscriptionEntity, WebhookDeliveryEntity, WebhookEventEntity],
  migrations: [Webhooks1767100000000, WebhookEventLog1767960000000, WebhookDeliveryRetention1767970000000],
};
