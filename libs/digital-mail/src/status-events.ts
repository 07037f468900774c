import type { EntityManager } from 'typeorm';
import { recordEvent } from '@kommuna/platform-events';
import { EVENT_TYPES, MailDeliveryStatusChangedData } from '@kommuna/shared-service-contracts';

export const EVENT_SOURCE = '/digital-mail';

/** Every status change is an outbox event in the transaction that made it (Mina sidor reads them). */
export async function recordStatusChanged(
  em: EntityManager,
  data: MailDeliveryStatusChangedData,
): Promise<void> {
  await recordEvent<MailDeliveryStatusChangedData>(em, {
    type: EVENT_TYPES.mailDeliveryStatusChanged,
    source: EVENT_SOURCE,
    subject: data.messageId,
    data,
  });
}
