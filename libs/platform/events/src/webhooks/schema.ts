import type { DatabaseSchema } from '@kommuna/platform-persistence';
import { WebhookDeliveryEntity, WebhookSubscriptionEntity } from './entities';
import { Webhooks1767100000000 } from './migrations/1767100000000-webhooks';

/** The webhook tables; @kommuna/services adds them to every process's schema. */
export const WEBHOOKS_DATABASE_SCHEMA: DatabaseSchema = {
  entities: [WebhookSubscriptionEntity, WebhookDeliveryEntity],
  migrations: [Webhooks1767100000000],
};
