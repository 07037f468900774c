import type { EntityManager } from 'typeorm';
import { recordEvent, recordEvents } from '@kommuna/platform-events';
import { EVENT_TYPES, MailDeliveryStatusChangedData } from '@kommuna/shared-service-contracts';

export const EVENT_SOURCE = '/digital-mail';

/** Every status change is an outbox event in the transaction that made it (Mina sidor reads them). */
export async function recordStatusChanged(em: EntityManager, data: MailDeliveryStatusChangedData): Promise<void> {
  await recordEvent<MailDeliveryStatusChangedData>(em, {
    type: EVENT_TYPES.mailDeliveryStatusChanged,
    source: EVENT_SOURCE,
    subject: data.messageId,
    data,
  });
}

/** Many status changes of one transaction as one multi-row outbox insert (bulk steps). */
export async function recordStatusChanges(em: EntityManager, changes: MailDeliveryStatusChangedData[]): Promise<void> {
  if (changes.length === 0) return;
  await recordEvents<MailDeliveryStatusChangedData>(
    em,
    changes.map((data) => ({ type: EVENT_TYPES.mailDeliveryStatusChanged, source: EVENT_SOURCE, subject: data.messageId, data })),
  );
}
