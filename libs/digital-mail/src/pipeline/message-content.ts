import type { EntityManager } from 'typeorm';
import { selectRows } from '@kommuna/platform-persistence';
import { MailAttachmentEntity } from '../entities/attachment.entity';
import { MailMessageEntity } from '../entities/message.entity';

const CONTENT_FIELDS = ['id', 'subject', 'body', 'bodyFormat', 'language', 'supportInfo', 'sendBatchId'] as const;
const ATTACHMENT_FIELDS = ['messageId', 'filename', 'sha256', 'content'] as const;

/** What a letter says and carries, read in a claim's transaction for the step that sends it. */
export type MessageContent = Pick<MailMessageEntity, (typeof CONTENT_FIELDS)[number]> & {
  attachments: Array<{ filename: string; sha256: string; content: Buffer }>;
};

/** The letters' content with the attachments of the given delivery modes, two statements for any number of letters. */
export async function readContents(em: EntityManager, tenantId: string, ids: string[], modes: string[]): Promise<MessageContent[]> {
  const messages = await selectRows(
    em,
    MailMessageEntity,
    CONTENT_FIELDS,
    `FROM mail_message WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
    [tenantId, ids],
  );
  // Attachments whose content is not yet purged; selectRows gives it as a Buffer on both databases.
  const attachments = await selectRows(
    em,
    MailAttachmentEntity,
    ATTACHMENT_FIELDS,
    `FROM mail_attachment
        WHERE tenant_id = $1 AND message_id = ANY($2::uuid[]) AND delivery_mode = ANY($3::varchar[]) AND content IS NOT NULL ORDER BY position`,
    [tenantId, ids, modes],
  );
  return messages.map((message) => ({
    ...message,
    attachments: attachments.flatMap(({ messageId, filename, sha256, content }) =>
      messageId === message.id && content !== null ? [{ filename, sha256, content }] : [],
    ),
  }));
}
