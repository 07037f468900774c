import type { DatabaseSchema } from '@kommuna/platform-persistence';
import { MailAttachmentEntity } from './entities/attachment.entity';
import { MailDeliveryEntity } from './entities/delivery.entity';
import { MailMessageEntity } from './entities/message.entity';
import { MailPrintBatchEntity, MailPrintLetterEntity } from './entities/print-batch.entity';
import { MailBatchRecipientEntity, MailSendBatchEntity } from './entities/send-batch.entity';
import { MailTemplateEntity } from './entities/template.entity';
import { DigitalMail1764489600000 } from './migrations/1764489600000-digital-mail';
import { DigitalMailDueProbes1764662400001 } from './migrations/1764662400001-digital-mail-due-probes';
import { DigitalMailTemplateUnit1766016000000 } from './migrations/1766016000000-digital-mail-template-unit';
import { DigitalMailStatisticsIndex1767700000001 } from './migrations/1767700000001-digital-mail-statistics-index';

/** Digital mail's tables, for apps to add to the platform's. */
export const DIGITAL_MAIL_DATABASE_SCHEMA: DatabaseSchema = {
  entities: [
    MailMessageEntity,
    MailAttachmentEntity,
    MailDeliveryEntity,
    MailPrintBatchEntity,
    MailPrintLetterEntity,
    MailSendBatchEntity,
    MailBatchRecipientEntity,
    MailTemplateEntity,
  ],
  migrations: [
    DigitalMail1764489600000,
    DigitalMailDueProbes1764662400001,
    DigitalMailTemplateUnit1766016000000,
    DigitalMailStatisticsIndex1767700000001,
  ],
};
